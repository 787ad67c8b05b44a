// Written by rungs beside the npm packages it installs for a check. A
// project's eslint config imports its shareable configs and plug-ins
// (`neostandard`, `@ljharb/eslint-config`) from the project's folder; when
// the project has no node_modules, rungs installed them here, and a bare
// import Node can't resolve from the project is resolved from here instead.
// (`require` goes through NODE_PATH, which rungs sets to the same folder.)
const here = new URL('./', import.meta.url).href;

export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    const bare = !/^(\.|\/|[a-z][a-z0-9+.-]*:)/i.test(specifier);
    if (!bare || error?.code !== 'ERR_MODULE_NOT_FOUND') {
      throw error;
    }
    return next(specifier, { ...context, parentURL: `${here}rungs-parent.mjs` });
  }
}
