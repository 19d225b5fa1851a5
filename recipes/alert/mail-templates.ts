import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Eta } from 'eta';
import { TswatchError } from '../../src/index.js';
import { DEFAULT_TEMPLATES, type TemplateName } from './default-templates.js';
import type { Digest } from './digest-queue.js';
import type { HostReport } from './host-report.js';

/** What a template sees as `it`. */
export interface MailView {
  prefix: string;
  /** This machine (the one sending). */
  hostname: string;
  /** Where the digest's findings happened: its hosts (fleet stream; 'a, b, c and 2 more'), else `hostname`. */
  origin: string;
  /** Absent in `tswatch report` mails. */
  digest: Digest | undefined;
  host: HostReport | undefined;
  bytes(n: number): string;
  time(ms: number): string;
  clock(ms: number): string;
  duration(seconds: number): string;
  plural(n: number, word: string): string;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  for (; Math.abs(n) >= 1024 && i < units.length - 1; i++) n /= 1024;
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

const pad = (n: number): string => String(n).padStart(2, '0');
const clock = (ms: number): string => {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
};
const time = (ms: number): string => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${clock(ms)}`;
};
function duration(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return d > 0 ? `${d}d ${h}h` : h > 0 ? `${h}h ${m}m` : `${m}m ${Math.floor(seconds % 60)}s`;
}
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function hostList(hosts: string[]): string {
  return hosts.length <= 3 ? hosts.join(', ') : `${hosts.slice(0, 3).join(', ')} and ${hosts.length - 3} more`;
}

export function mailView(prefix: string, hostname: string, digest: Digest | undefined, host: HostReport | undefined): MailView {
  const origin = digest?.hosts.length ? hostList(digest.hosts) : hostname;
  return { prefix, hostname, origin, digest, host, bytes, time, clock, duration, plural };
}

/**
 * Renders subject, text and HTML with eta. Templates from `templateDir` (subject.eta, text.eta,
 * html.eta, host-text.eta, host-html.eta) replace the built-in ones; a user template that fails at
 * render time falls back to the built-in one, so the alert still goes out, and says so (in the mail's
 * body and to `onFallback`).
 */
export class MailTemplates {
  private readonly sources: Record<TemplateName, string>;
  private readonly custom = new Set<TemplateName>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly templateDir?: string,
    /** Told each time a custom template fails and the built-in one stands in (the CLI prints it). */
    private readonly onFallback?: (message: string) => void,
  ) {
    this.sources = { ...DEFAULT_TEMPLATES };
    if (templateDir === undefined) return;
    if (!existsSync(templateDir)) {
      throw new TswatchError(`template directory '${templateDir}' does not exist`, {
        code: 'ENOENT',
        path: templateDir,
        hint: `create it with any of: ${Object.keys(DEFAULT_TEMPLATES)
          .map((n) => `${n}.eta`)
          .join(', ')}`,
      });
    }
    for (const name of Object.keys(DEFAULT_TEMPLATES) as TemplateName[]) {
      const file = join(templateDir, `${name}.eta`);
      if (!existsSync(file)) continue;
      this.sources[name] = readFileSync(file, 'utf8');
      this.custom.add(name);
    }
    // A syntax error is reported at start, naming the file, not when the first alert fires.
    for (const name of this.custom) {
      try {
        this.engine(name === 'html' || name === 'host-html', this.sources).compile(this.sources[name]);
      } catch (err) {
        throw new TswatchError(`template ${join(templateDir, `${name}.eta`)}: ${(err as Error).message}`, {
          code: 'EBADTEMPLATE',
          hint: 'fix the eta syntax (https://eta.js.org), or remove the file to use the built-in one',
        });
      }
    }
  }

  render(view: MailView): RenderedMail {
    const failed: string[] = [];
    const subject = this.renderOne('subject', view, failed).replace(/\s+/g, ' ').trim();
    const text = this.renderOne('text', view, failed);
    const html = this.renderOne('html', view, failed);
    if (failed.length === 0) return { subject, text, html };
    // A subject has no room for the note: the body says it for every template that failed.
    const note = failed.map((f) => `tswatch: ${f}; the built-in one was used.`).join('\n');
    return {
      subject,
      text: `${note}\n\n${text}`,
      html: html.replace(
        /<body[^>]*>/,
        (body) => `${body}${failed.map((f) => `<p>${escapeHtml(`tswatch: ${f}; the built-in one was used.`)}</p>`).join('')}`,
      ),
    };
  }

  /** Once per distinct failure: every mail still says it, the log only the first time. */
  private warn(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.onFallback?.(message);
  }

  private engine(html: boolean, sources: Record<TemplateName, string>): Eta {
    const eta = new Eta({ autoEscape: html, autoTrim: false, cache: false });
    eta.loadTemplate('@host-text', sources['host-text']);
    eta.loadTemplate('@host-html', sources['host-html']);
    return eta;
  }

  /** A custom template that fails is replaced by the built-in one, and said: in `failed` and to `onFallback`. */
  private renderOne(name: 'subject' | 'text' | 'html', view: MailView, failed: string[]): string {
    const html = name === 'html';
    try {
      return this.engine(html, this.sources).renderString(this.sources[name], view);
    } catch (err) {
      if (!this.custom.size) throw err;
      const which = this.custom.has(name) ? `${name}.eta` : `a template ${name}.eta includes`;
      const what = `the custom template failed (${which}: ${(err as Error).message})`;
      failed.push(what);
      this.warn(
        `${what}; the built-in ${name} template was used: fix ${this.templateDir}/${this.custom.has(name) ? `${name}.eta` : 'the included template'}`,
      );
      return this.engine(html, DEFAULT_TEMPLATES).renderString(DEFAULT_TEMPLATES[name], view);
    }
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
