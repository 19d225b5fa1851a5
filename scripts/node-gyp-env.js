// How tswatch runs node-gyp without the network: the node-gyp npm bundles and the Node headers installed
// next to the running node. Shared by the install script (build-addon.js) and the pack-time prebuild.
import { existsSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';

/** The first of `names` found as an executable on PATH. */
export function onPath(...names) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of names) if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** node-gyp's entry: npm's own setting, npm's bundled copy, or one on PATH. */
export function findNodeGyp() {
  const bundled = resolve(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  return process.env.npm_config_node_gyp || (existsSync(bundled) ? bundled : onPath('node-gyp'));
}

/**
 * Headers: npm's nodedir if set; else the ones installed next to this node (distro packages and the
 * official tarballs both ship include/node), so node-gyp never needs the network.
 */
export function findNodedir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = resolve(process.execPath, '..', '..');
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined;
}

/** The environment for node-gyp: it lets npm_config_* variables override its argv, so an empty inherited one would win. */
export function nodeGypEnv(nodedir) {
  const env = { ...process.env };
  if (nodedir) env.npm_config_nodedir = nodedir;
  else delete env.npm_config_nodedir;
  return env;
}
