// node-gyp-build ships no types: the one function tswatch uses.
declare module 'node-gyp-build' {
  const nodeGypBuild: {
    /** The addon file for this platform under `dir`: build/Release first, then prebuilds/; throws if none. */
    resolve(dir: string): string;
  };
  export default nodeGypBuild;
}
