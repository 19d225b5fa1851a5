import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium, headless, with nothing that reaches the network by itself (TSWATCH_CHROMIUM: another binary). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.TSWATCH_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
