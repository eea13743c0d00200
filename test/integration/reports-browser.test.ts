import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodContaining } from '#shared/domain/reports/period';
import { DEFAULT_REPORT_SETTINGS } from '#shared/domain/reports/recipients';
import { renderReportHtml } from '#shared/templates/reports/html';
import { buildCampaignReport, buildTeamReport, campaignReportTarget } from '#shared/use-cases/reports/build-report';
import { DEMO, demoDeps } from '#shared/use-cases/reports/demo';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WIDTH = 800;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `headless Chromium not found at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH`,
    );
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});

afterAll(async () => {
  await browser?.close();
});

async function pages() {
  const deps = demoDeps(new Date('2026-03-10T00:00:00Z'));
  const daily = await buildTeamReport(
    deps,
    'daily',
    DEMO.teamId,
    periodContaining('daily', '2026-03-09'),
    DEFAULT_REPORT_SETTINGS,
  );
  const monthly = await buildTeamReport(
    deps,
    'monthly',
    DEMO.teamId,
    periodContaining('monthly', '2026-02-10'),
    DEFAULT_REPORT_SETTINGS,
  );
  const pilot = await buildCampaignReport(deps, await campaignReportTarget(deps, 'pilot', DEMO.pilotCampaign));
  return { daily, monthly, pilot };
}

describe('report HTML in headless Chromium at 800 px', () => {
  it.each(['daily', 'monthly', 'pilot'] as const)('%s: nothing cut off, tables and bars drawn', async (name) => {
    const report = (await pages())[name];
    const html = renderReportHtml(report);
    const page = await browser.newPage({ viewport: { width: WIDTH, height: 900 } });
    try {
      await page.setContent(html, { waitUntil: 'load' });
      // A string, so this Node-typed project needs no DOM types; it runs in the page.
      const layout = (await page.evaluate(`(() => {
        const box = (el) => el.getBoundingClientRect();
        const bars = [...document.querySelectorAll('td.bar')].map(box);
        return {
          scrollWidth: document.documentElement.scrollWidth,
          charset: document.characterSet,
          tables: [...document.querySelectorAll('table.figures, table.agents, table.chart')].map((t) => {
            const r = box(t);
            return { cls: t.className, width: r.width, height: r.height, right: r.right };
          }),
          bars: bars.length,
          visibleBars: bars.filter((r) => r.width > 0 && r.height > 0).length,
          title: document.querySelector('h1')?.textContent ?? '',
        };
      })()`)) as {
        scrollWidth: number;
        charset: string;
        tables: { cls: string; width: number; height: number; right: number }[];
        bars: number;
        visibleBars: number;
        title: string;
      };
      expect(layout.scrollWidth).toBeLessThanOrEqual(WIDTH);
      expect(layout.charset).toBe('UTF-8');
      expect(layout.title).toMatch(/[日月试]/);
      expect(layout.tables.length).toBeGreaterThan(0);
      for (const t of layout.tables) {
        expect(t.width, t.cls).toBeGreaterThan(0);
        expect(t.height, t.cls).toBeGreaterThan(0);
        expect(t.right, t.cls).toBeLessThanOrEqual(WIDTH);
      }
      expect(layout.bars).toBeGreaterThan(0);
      expect(layout.visibleBars).toBe(layout.bars);
      if (name !== 'pilot') expect(layout.tables.some((t) => t.cls === 'agents')).toBe(true);
      const dir = join(tmpdir(), 'outcall-report-screenshots');
      await mkdir(dir, { recursive: true });
      const shot = await page.screenshot({ fullPage: true });
      expect(shot.byteLength).toBeGreaterThan(10_000);
      await writeFile(join(dir, `${name}.png`), shot);
    } finally {
      await page.close();
    }
  });
});
