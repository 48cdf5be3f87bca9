import { describeInChromium, scrollsHorizontally, seriousAccessibilityFindings, useBrowserSuite } from './support/browser';
import { DATABASE_KINDS } from './support/databases';
import { listOf } from './support/json-repository';
import { finishStage, GATED_RELEASE, storePipeline } from './support/pipeline-runs';

describeInChromium('the promotion board in Chromium', () => {
  describe.each(DATABASE_KINDS)('[%s]', (kind) => {
    const ui = useBrowserSuite(kind, {
      versions: ['1.0.0'],
      async prepare({ baton, upstream, packageId }) {
        upstream.publish(listOf('app', '1.0.0', '1.1.0'));
        await baton.api.post(`/api/packages/${packageId}/poll?wait=120`);
        await storePipeline(baton, GATED_RELEASE);
        expect((await baton.api.post('/api/pipelines/gated-release/runs')).status).toBe(201);
        await finishStage(baton, 'gated-release', 1, 'build', 'passed');
        await finishStage(baton, 'gated-release', 1, 'qa', 'passed');
      },
    });

    const openBoard = async (token: string) => {
      await ui.signIn(token, '/repositories');
      await ui.page.getByRole('link', { name: 'Promotion board of app' }).click();
      await ui.page.getByRole('table').waitFor();
      await ui.page.getByText('Live: this page updates as things change.').waitFor();
    };
    const cell = (revision: string, level: number) =>
      ui.page
        .getByRole('row')
        .filter({ has: ui.page.locator('th code', { hasText: revision }) })
        .locator('td')
        .nth(level);

    it('shows each revision against each level, and promotes an older revision after a confirmation', async () => {
      await openBoard(ui.baton.adminToken);

      const headers = await ui.page.getByRole('columnheader').allTextContents();
      expect(headers).toEqual(['Revision', 'gated-release → build', 'gated-release → qa', 'gated-release → production']);
      const rows = await ui.page.locator('tbody th code').allTextContents();
      expect(rows).toEqual(['1.1.0', '1.0.0']);
      expect(await cell('1.1.0', 0).textContent()).toContain('Passed');
      expect(await cell('1.1.0', 2).textContent()).toContain('Waiting for approval');
      expect(await cell('1.0.0', 0).textContent()).toContain('Not run');
      expect(await scrollsHorizontally(ui.page)).toBe(false);
      expect(await seriousAccessibilityFindings(ui.page)).toEqual([]);

      await ui.page.getByRole('button', { name: 'Promote 1.0.0 to gated-release → build' }).click();
      const dialog = ui.page.getByRole('dialog');
      expect(await dialog.textContent()).toContain('Promote revision 1.0.0 to gated-release → build?');
      await dialog.getByRole('button', { name: 'Promote 1.0.0' }).click();

      await ui.page.getByRole('button', { name: 'Promote 1.0.0 to gated-release → build' }).waitFor({ state: 'detached' });
      const runs = (await ui.baton.api.get('/api/pipelines/gated-release/runs')).body.runs;
      expect(runs[0].build_cause.materials[0].revision).toBe('1.0.0');
      await cell('1.0.0', 0).getByText(`run ${runs[0].label}`).waitFor();

      await finishStage(ui.baton, 'gated-release', runs[0].counter, 'build', 'passed');
      await cell('1.0.0', 0).getByText('Passed').waitFor();

      await ui.page.getByRole('button', { name: 'Promote 1.1.0 to gated-release → production' }).click();
      await ui.page.getByRole('dialog').getByRole('button', { name: 'Promote 1.1.0' }).click();
      await cell('1.1.0', 2).getByText('approved by admin').waitFor();
      expect(ui.errors).toEqual([]);
    });

    it('draws the value stream, each level a labelled node with its latest passed revision', async () => {
      await openBoard(ui.viewerToken);
      await ui.page.getByRole('link', { name: 'Value stream of app' }).click();

      const graph = ui.page.getByRole('region', { name: 'Value stream of app' });
      await graph.waitFor();
      const nodes = graph.getByRole('listitem');
      expect(await nodes.evaluateAll((all) => all.map((n) => n.getAttribute('aria-label')))).toEqual(
        expect.arrayContaining(['Package app: latest 1.1.0', 'gated-release → qa: passed 1.1.0 (run 1)', 'gated-release → production: nothing passed yet']),
      );
      const box = (label: string) => ui.page.locator(`[aria-label^="${label}"]`).boundingBox();
      const pkg = await box('Package app');
      const qa = await box('gated-release → qa');
      expect(pkg!.x).toBeLessThan(qa!.x);
      expect(await seriousAccessibilityFindings(ui.page)).toEqual([]);
      await ui.page.setViewportSize({ width: 640, height: 800 });
      expect(await scrollsHorizontally(ui.page)).toBe(false);
      expect(ui.errors).toEqual([]);
    });

    it('does not scroll sideways at 640 px', async () => {
      await ui.page.setViewportSize({ width: 640, height: 800 });

      await openBoard(ui.baton.adminToken);

      expect(await scrollsHorizontally(ui.page)).toBe(false);
      expect(await seriousAccessibilityFindings(ui.page)).toEqual([]);
    });

    /** A new run of gated-release whose production stage waits for approval. */
    const waitingForApproval = async () => {
      const counter = (await ui.baton.api.post('/api/pipelines/gated-release/runs')).body.counter as number;
      await finishStage(ui.baton, 'gated-release', counter, 'build', 'passed');
      await finishStage(ui.baton, 'gated-release', counter, 'qa', 'passed');
      return { counter, approve: `/api/pipelines/gated-release/runs/${counter}/stages/production/approve` };
    };
    const production = async (counter: number) => (await ui.baton.api.get(`/api/pipelines/gated-release/runs/${counter}`)).body.stages[2];

    it('offers a viewer no Promote or Approve, and refuses an approval forged from their signed-in page, with the header and from the same origin', async () => {
      const { counter, approve } = await waitingForApproval();
      await openBoard(ui.viewerToken);
      await ui.page.locator('tbody th code', { hasText: '1.0.0' }).waitFor();
      expect(await ui.page.getByRole('button', { name: /^(Promote|Approve)/ }).count()).toBe(0);

      const answer = await ui.page.evaluate(async (url) => {
        const response = await fetch(url, { method: 'POST', headers: { 'X-Baton-Request': '1' } });
        return { status: response.status, detail: ((await response.json()) as { detail: string }).detail };
      }, approve);

      expect(answer.status).toBe(403);
      // Refused for the viewer's role, past the cross-site checks: the request was the page's own.
      expect(answer.detail).not.toMatch(/cross-site|X-Baton-Request/);
      expect(await production(counter)).toMatchObject({ state: 'awaiting_approval', approved_by: null });
    });

    it('refuses a request from another origin that carries an admin’s session cookie, and takes the same from its own', async () => {
      const { counter, approve } = await waitingForApproval();
      await openBoard(ui.baton.adminToken);
      const post = (origin: string) => ui.page.context().request.post(`${ui.baton.url}${approve}`, { headers: { Origin: origin, 'X-Baton-Request': '1' } });

      const crossSite = await post('https://elsewhere.example.org');

      expect(crossSite.status()).toBe(403);
      expect(((await crossSite.json()) as { detail: string }).detail).toContain('cross-site requests are not accepted');
      expect(await production(counter)).toMatchObject({ state: 'awaiting_approval', approved_by: null });
      expect((await post(ui.baton.url)).status()).toBe(200);
      expect((await production(counter)).approved_by).toBe('admin');
    });
  });
});
