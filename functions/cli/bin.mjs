#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx, so `npm ci` is all a user needs.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
