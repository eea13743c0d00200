import { writeFileSync } from 'node:fs';
import { renderOpenApiDocument } from '#shared/http/openapi';

// `npm run openapi`: regenerates docs/openapi.json; commit the result (a unit test compares the two).
const target = new URL('../docs/openapi.json', import.meta.url);
writeFileSync(target, renderOpenApiDocument());
console.log(`wrote ${target.pathname}`);
