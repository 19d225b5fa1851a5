import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inlineScripts } from '../../daemon/inline-script.js';
import { commandTemplate } from '../../daemon/placeholders.js';

test('the -c script of a shell is found in front, behind env/sudo/xargs, by absolute path and through busybox', () => {
  const at = (argv: string[]) => inlineScripts(argv).map(({ shell, index }) => [shell, argv[index]]);
  assert.deepEqual(at(['sh', '-c', 'echo x']), [['sh', 'echo x']]);
  assert.deepEqual(at(['/bin/bash', '-euo', 'pipefail', '-c', 'S', 'arg0']), [['/bin/bash', 'S']]);
  assert.deepEqual(at(['env', '-i', 'A=1', 'zsh', '-lc', 'S']), [['zsh', 'S']]);
  assert.deepEqual(at(['/usr/bin/env', 'dash', '-c', 'S']), [['dash', 'S']]);
  assert.deepEqual(at(['busybox', 'sh', '-c', 'S']), [['busybox sh', 'S']]);
  assert.deepEqual(at(['sudo', '-u', 'x', 'ksh', '+o', 'emacs', '-c', 'S']), [['ksh', 'S']]);
  assert.deepEqual(at(['xargs', '-0', 'mksh', '-c', 'S']), [['mksh', 'S']]);
  assert.deepEqual(at(['fish', '--command=S']), [['fish', '--command=S']]);
  assert.deepEqual(at(['bash', '--norc', '--rcfile', 'f', '-c', 'S']), [['bash', 'S']]);
  // Not inline code: a script file, a shell word as a plain value, -c after the first operand.
  assert.deepEqual(at(['sh', './build.sh', '{path}']), []);
  assert.deepEqual(at(['cp', '{path}', 'sh']), []);
  assert.deepEqual(at(['bash', 'script', '-c']), []);
});

test('a placeholder inside a shell\'s -c script is refused, with the "$1" form as the way out; after the script it is a value', () => {
  const refused = (argv: string[], batch = false) =>
    assert.throws(
      () => commandTemplate(argv, { batch }),
      (err: Error & { hint?: string }) => {
        assert.match(
          err.message,
          /^placeholders are not substituted into the script of '.+ -c': '\{\w+\}' there would run file names as shell code/,
        );
        assert.match(err.hint!, batch ? / -c '… "\$@"' sh \{paths\}$/ : / -c '… "\$1"' sh \{path\}$/);
        return true;
      },
    );
  refused(['sh', '-c', 'echo {path}']);
  refused(['bash', '-c', 'echo {name}']);
  refused(['env', 'bash', '-c', 'cat "{dir}"/x']);
  refused(['/bin/sh', '-ec', 'rm -- {path}']);
  refused(['busybox', 'sh', '-c', 'x {src}']);
  refused(['sh', '-c', 'echo {name}'], true);
  refused(['sh', '-c', 'rm {paths}'], true);
  assert.deepEqual(commandTemplate(['sh', '-c', 'rm -- "$1"', 'sh', '{path}'], { batch: false }).takesPaths, false);
  assert.deepEqual(commandTemplate(['sh', '-c', 'rm -- "$@"', 'sh', '{paths}'], { batch: true }).takesPaths, true);
  assert.doesNotThrow(() => commandTemplate(['awk', '{print}', '{path}'], { batch: false }));
});
