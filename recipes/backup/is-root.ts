/** Owners are given (lchown) and compared only by root: a normal user cannot give files away. */
export const IS_ROOT = process.getuid?.() === 0;
