declare module '*.yml' {
  const text: string;
  export default text;
}

/** The stack's policy, validated at package time (infra/esbuild-plugins.cjs). */
declare module 'virtual:validated-policy' {
  const policy: import('../policy').Policy;
  export default policy;
}
