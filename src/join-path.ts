/** `dir/name`, for a `dir` that may end in `/` (the root). */
export function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}
