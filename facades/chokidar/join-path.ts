/** `dir/name` as lstat and the kernel spell it: below `/` a name is `/name`, never `//name`. */
export const joinPath = (dir: string, name: string): string => (dir.endsWith('/') ? dir + name : `${dir}/${name}`);
