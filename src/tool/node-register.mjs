// Written by rungs beside the npm packages it installs for a check, and
// loaded with `node --import`: registers the resolve hook beside it.
import { register } from 'node:module';

register('./rungs-resolve-hooks.mjs', import.meta.url);
