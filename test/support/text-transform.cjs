// Lets tests import the policy file as text, the way esbuild's text loader bundles it.
module.exports = { process: (src) => ({ code: `export default ${JSON.stringify(src)};` }) };
