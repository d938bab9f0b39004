import { buildBundles } from './test/bench/bundles';
import { measureColdInit, bundleSubject, boto3Subject, bareNodeSubject } from './test/bench/cold-init';
const r = await buildBundles('bench/build');
console.log(JSON.stringify(measureColdInit([...r.map(b => bundleSubject(b.name, b.file)), boto3Subject, bareNodeSubject], 10).map(x => ({...x, samplesMs: undefined}))));
