declare module '*.yml' {
  const text: string;
  export default text;
}

/** controller.yml, validated at package time (infra/esbuild-plugins.cjs). */
declare module 'virtual:validated-policy' {
  const policy: import('../policy').Policy;
  export default policy;
}
