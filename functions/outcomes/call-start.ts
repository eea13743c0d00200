import { createCallStartHandler } from '#functions/outcomes/handlers';
import { outcomeDeps } from '#functions/outcomes/recorder';

export const handler = createCallStartHandler(outcomeDeps);
