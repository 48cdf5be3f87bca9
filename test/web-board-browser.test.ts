import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { consoleErrors, describeInChromium, launchChromium, scrollsHorizontally, seriousAccessibilityFindings } from './support/browser';
import { DATABASE_KINDS, PROJECT_ROOT } from './support/databases';
import { listOf, startJsonRepository, type JsonRepository } from './support/json-repository';
import { finishStage, GATED_RELEASE, registerUpstreamApp, storePipeline } from './support/pipeline-runs';
import { startTestServer, type TestServer } from './support/test-server';

const WEB_DIST = path.join(PROJECT_ROOT, 'web', 'dist');
describeInChromium('the promotion board in Chromium', () => {
  beforeAll(() => {
    if (!fs.existsSync(path.join(WEB_DIST, 'index.html'))) throw new Error(`the web UI is not built (no ${WEB_DIST}): run npm run build first`);
  });

  describe.each(DATABASE_KINDS)('[%s]', (kind) => {
    let baton: TestServer;
    let upstream: JsonRepository;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let errors: string[];
    let viewerToken: string;
    let packageId: string;

    beforeAll(async () => {
      upstream = await startJsonRepository(listOf('app', '1.0.0'));
      baton = await startTestServer(kind, { env: { BATON_LOCAL_AGENT: 'false', BATON_WEB_DIR: WEB_DIST } });
      packageId = await registerUpstreamApp(baton.api, upstream.url);
      await baton.api.post(`/api/packages/${packageId}/poll?wait=20`);
      upstream.publish(listOf('app', '1.0.0', '1.1.0'));
      await baton.api.post(`/api/packages/${packageId}/poll?wait=20`);
      await storePipeline(baton, GATED_RELEASE);
      expect((await baton.api.post('/api/pipelines/gated-release/runs')).status).toBe(201);
      await finishStage(baton, 'gated-release', 1, 'build', 'passed');
      await finishStage(baton, 'gated-release', 1, 'qa', 'passed');
      viewerToken = (await baton.api.post('/api/tokens', { name: 'onlooker', role: 'viewer' })).body.token;
      browser = await launchChromium();
    });

    afterAll(async () => {
      await browser?.close();
      await baton?.destroy();
      await upstream?.close();
    });

    beforeEach(async () => {
      context = await browser.newContext({ viewport: { width: 1024, height: 800 } });
      page = await context.newPage();
      errors = consoleErrors(page);
    });

    afterEach(async () => {
      await context.close();
    });

    const openBoard = async (token: string) => {
      await page.goto(`${baton.url}/repositories`);
      await page.getByLabel('API token').fill(token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('link', { name: 'Promotion board of app' }).click();
      await page.getByRole('table').waitFor();
      await page.getByText('Live: this page updates as things change.').waitFor();
    };
    const cell = (revision: string, level: number) =>
      page
        .getByRole('row')
        .filter({ has: page.locator('th code', { hasText: revision }) })
        .locator('td')
        .nth(level);

    it('shows each revision against each level, and promotes an older revision after a confirmation', async () => {
      await openBoard(baton.adminToken);

      const headers = await page.getByRole('columnheader').allTextContents();
      expect(headers).toEqual(['Revision', 'gated-release → build', 'gated-release → qa', 'gated-release → production']);
      const rows = await page.locator('tbody th code').allTextContents();
      expect(rows).toEqual(['1.1.0', '1.0.0']);
      expect(await cell('1.1.0', 0).textContent()).toContain('Passed');
      expect(await cell('1.1.0', 2).textContent()).toContain('Waiting for approval');
      expect(await cell('1.0.0', 0).textContent()).toContain('Not run');
      expect(await scrollsHorizontally(page)).toBe(false);
      expect(await seriousAccessibilityFindings(page)).toEqual([]);

      await page.getByRole('button', { name: 'Promote 1.0.0 to gated-release → build' }).click();
      const dialog = page.getByRole('dialog');
      expect(await dialog.textContent()).toContain('Promote revision 1.0.0 to gated-release → build?');
      await dialog.getByRole('button', { name: 'Promote 1.0.0' }).click();

      await page.getByRole('button', { name: 'Promote 1.0.0 to gated-release → build' }).waitFor({ state: 'detached' });
      const runs = (await baton.api.get('/api/pipelines/gated-release/runs')).body.runs;
      expect(runs[0].build_cause.materials[0].revision).toBe('1.0.0');
      await cell('1.0.0', 0).getByText(`run ${runs[0].label}`).waitFor();

      await finishStage(baton, 'gated-release', runs[0].counter, 'build', 'passed');
      await cell('1.0.0', 0).getByText('Passed').waitFor();

      await page.getByRole('button', { name: 'Promote 1.1.0 to gated-release → production' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Promote 1.1.0' }).click();
      await cell('1.1.0', 2).getByText('approved by admin').waitFor();
      expect(errors).toEqual([]);
    });

    it('offers a viewer no Promote', async () => {
      await openBoard(viewerToken);

      await page.locator('tbody th code', { hasText: '1.0.0' }).waitFor();
      expect(await page.getByRole('button', { name: /^Promote/ }).count()).toBe(0);
    });

    it('draws the value stream, each level a labelled node with its latest passed revision', async () => {
      await openBoard(viewerToken);
      await page.getByRole('link', { name: 'Value stream of app' }).click();

      const graph = page.getByRole('region', { name: 'Value stream of app' });
      await graph.waitFor();
      const nodes = graph.getByRole('listitem');
      expect(await nodes.evaluateAll((all) => all.map((n) => n.getAttribute('aria-label')))).toEqual(
        expect.arrayContaining(['Package app: latest 1.1.0', 'gated-release → qa: passed 1.1.0 (run 1)', 'gated-release → production: nothing passed yet']),
      );
      const box = (label: string) => page.locator(`[aria-label^="${label}"]`).boundingBox();
      const pkg = await box('Package app');
      const qa = await box('gated-release → qa');
      expect(pkg!.x).toBeLessThan(qa!.x);
      expect(await seriousAccessibilityFindings(page)).toEqual([]);
      await page.setViewportSize({ width: 640, height: 800 });
      expect(await scrollsHorizontally(page)).toBe(false);
      expect(errors).toEqual([]);
    });

    it('does not scroll sideways at 640 px', async () => {
      await page.setViewportSize({ width: 640, height: 800 });

      await openBoard(baton.adminToken);

      expect(await scrollsHorizontally(page)).toBe(false);
      expect(await seriousAccessibilityFindings(page)).toEqual([]);
    });
  });
});
