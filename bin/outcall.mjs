#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so the same entry works on Node 20 and Node 24.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
await main(process.argv);
