/**
 * A ```console block: `$ COMMAND` lines, each followed by the output it must print. In the expected
 * lines `…` stands for any text within a line, and a line holding only `…` for any number of lines.
 */
export interface TranscriptStep {
  command: string;
  expected: string[];
}

export function transcript(code: string): TranscriptStep[] {
  const steps: TranscriptStep[] = [];
  for (const line of code.replace(/\n$/, '').split('\n')) {
    if (line.startsWith('$ ')) steps.push({ command: line.slice(2), expected: [] });
    else if (steps.length === 0) throw new Error(`a console block starts with "$ COMMAND", not: ${line}`);
    else steps.at(-1)!.expected.push(line);
  }
  return steps;
}

function lineMatcher(expected: string): RegExp {
  return new RegExp(
    `^${expected
      .split('…')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

/** Does `actual` (the lines printed) match `expected`? */
export function matchesTranscript(expected: string[], actual: string[]): boolean {
  const match = (e: number, a: number): boolean => {
    if (e === expected.length) return a === actual.length;
    if (expected[e] === '…') return match(e + 1, a) || (a < actual.length && match(e, a + 1));
    return a < actual.length && lineMatcher(expected[e]!).test(actual[a]!) && match(e + 1, a + 1);
  };
  return match(0, 0);
}
