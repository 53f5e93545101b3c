// The operator console (www/console) in headless Chromium, driven by
// puppeteer-core, against the real worker that tests/e2e/e2e_console.py
// starts.  Prints TAP; e2e_console.py relays each check.
//
// Environment (set by e2e_console.py; the rest in common.mjs):
//   SCIMLET_TENANT_URL    the SCIM base the console should show
//   SCIMLET_OPERATOR      an operator credential
//   SCIMLET_TENANT_ADMIN  a tenant admin credential of SCIMLET_TENANT
//   SCIMLET_TENANT, SCIMLET_OTHER_TENANT
//   SCIMLET_XSS_LABEL     a token label of SCIMLET_TENANT holding markup
//   SCIMLET_EXPECT        JSON {tenant: {users, groups}} from the CLI
import { env, ADMIN, PAGE, API, WAIT, ok, check, cli, cliLines, problems,
    watch, shot, text, pageFetch, signIn, launch, done } from './common.mjs';

const TENANT = env.SCIMLET_TENANT;
const OTHER = env.SCIMLET_OTHER_TENANT;
const EXPECT = JSON.parse(env.SCIMLET_EXPECT || '{}');

function cliTokens(tenant) {
	return cliLines('token', 'list', tenant, '--json');
}

// Rows of the tokens table: {id, label, state}.
function tokenRows(page) {
	return page.$$eval('#tokens tbody tr', (rows) => rows.map((r) => ({
	    id: r.dataset.id, label: r.querySelector('.label').textContent,
	    state: r.querySelector('.state').textContent})));
}

const browser = await launch(75);
const page = await browser.newPage();
await watch(page, 'operator');

// ---- the page and its headers
await check('GET {admin} redirects to {admin}/', async () => {
	const r = await fetch(ADMIN, {redirect: 'manual'});
	const loc = r.headers.get('location') || '';
	return [r.status === 301 && new URL(loc, ADMIN).href === PAGE,
	    r.status + ' ' + loc];
});
await check('the console page loads with a strict CSP and shows sign-in',
    async () => {
	const r = await page.goto(PAGE, {waitUntil: 'load'});
	const csp = r.headers()['content-security-policy'] || '';
	await page.waitForSelector('#credential', {timeout: WAIT});
	return [r.status() === 200 && /script-src 'self'/.test(csp) &&
	    /default-src 'none'/.test(csp) && !/unsafe/.test(csp),
	    r.status() + ' CSP: ' + csp];
});
await shot(page, 'console-signin');

// ---- sign-in
await check('a bad credential shows the error and stays on sign-in',
    async () => {
	await page.type('#credential', 'scimadm_not-a-credential');
	await page.click('#signin button[type=submit]');
	await page.waitForSelector('#signin-error .msg', {timeout: WAIT});
	const msg = await text(page, '#signin-error .msg');
	const nav = await page.$eval('#nav', (e) => e.hidden);
	return [msg.length > 0 && nav, 'message: ' + msg];
});
await page.$eval('#credential', (e) => { e.value = ''; });

let setCookie = '';
page.on('response', (r) => {
	if (r.url() === API + 'session' && r.request().method() === 'POST' &&
	    r.status() === 200)
		setCookie = r.headers()['set-cookie'] || '';
});
await check('operator sign-in: overview, cookie HttpOnly and SameSite=Strict',
    async () => {
	await page.type('#credential', env.SCIMLET_OPERATOR);
	await page.click('#signin button[type=submit]');
	await page.waitForSelector('#tenants', {timeout: WAIT});
	const c = (await page.cookies(PAGE)).find((x) =>
	    x.name === 'scimlet_admin');
	const js = await page.evaluate(() => document.cookie);
	return [c && c.httpOnly && c.sameSite === 'Strict' &&
	    !js.includes('scimlet_admin') && /HttpOnly/i.test(setCookie) &&
	    /SameSite=Strict/i.test(setCookie),
	    JSON.stringify(c) + '\nSet-Cookie: ' + setCookie +
	    '\ndocument.cookie: ' + js];
});
const cookie = (await page.cookies(PAGE)).find((x) =>
    x.name === 'scimlet_admin');

// ---- overview
await check('overview lists every tenant with the CLI\'s counts', async () => {
	const rows = await page.$$eval('#tenants tbody tr', (rs) => rs.map(
	    (r) => [r.dataset.tenant, Number(r.querySelector('.users')
		.textContent), Number(r.querySelector('.groups').textContent)]));
	const got = {};
	for (const [t, u, g] of rows)
		got[t] = {users: u, groups: g};
	return [JSON.stringify(got, Object.keys(got).sort()) ===
	    JSON.stringify(EXPECT, Object.keys(EXPECT).sort()) &&
	    Object.keys(got).length === Object.keys(EXPECT).length,
	    'page: ' + JSON.stringify(got) + '\nCLI:  ' +
	    JSON.stringify(EXPECT)];
});
await shot(page, 'console-overview');

// ---- connect
let probeToken = null;
await check('connect: the Tenant URL and a new token are shown', async () => {
	await page.goto(PAGE + '#/connect/' + encodeURIComponent(TENANT));
	await page.waitForSelector('#issue', {timeout: WAIT});
	await page.$eval('#token-label', (e) => { e.value = ''; });
	await page.type('#token-label', 'console probe');
	await page.click('#issue');
	await page.waitForSelector('#token-value', {timeout: WAIT});
	probeToken = await text(page, '#token-value');
	const url = await text(page, '#tenant-url');
	return [/^scimlet_/.test(probeToken) &&
	    url === env.SCIMLET_TENANT_URL, 'token ' + probeToken +
	    ', url ' + url];
});
await check('connect: Copy puts the token on the clipboard, or selects it',
    async () => {
	// Reading the clipboard back needs the permission (writing does
	// not, on a focused page).
	await browser.defaultBrowserContext().overridePermissions(
	    new URL(ADMIN).origin, ['clipboard-read', 'clipboard-write',
	    'clipboard-sanitized-write']);
	await page.click('#new-token button.copy');
	await page.waitForFunction(() => document.querySelector(
	    '#new-token button.copy').textContent !== 'Copy', {timeout: WAIT});
	const said = await text(page, '#new-token button.copy');
	const got = said === 'Copied' ? await page.evaluate(() =>
	    navigator.clipboard.readText()) : await page.evaluate(() =>
	    String(window.getSelection()));
	return [got === probeToken, said + ': ' + got];
});
await check('connect: Test Connection succeeds', async () => {
	await page.click('#test-connection');
	await page.waitForSelector('#test-result .msg', {timeout: WAIT});
	const cls = await page.$eval('#test-result .msg', (e) => e.className);
	const msg = await text(page, '#test-result');
	// Entra probes users and groups (doc/clients.md §3.3).
	return [/\bok\b/.test(cls) && /GET \/Users\?filter=userName eq/.test(msg) &&
	    /GET \/Groups\?excludedAttributes=members&filter=displayName eq/.test(msg),
	    msg];
});
await shot(page, 'console-connect');
await check('connect: Test Connection with the token revoked shows the failure',
    async () => {
	const t = cliTokens(TENANT).find((x) => x.label === 'console probe');
	cli('token', 'revoke', t.id);
	await page.click('#test-connection');
	await page.waitForFunction(() => {
		const m = document.querySelector('#test-result .msg');
		return m && m.classList.contains('error');
	}, {timeout: WAIT});
	const msg = await text(page, '#test-result');
	return [/401/.test(msg), msg];
});

// ---- tokens
await check('tokens: issue shows the token once and lists it', async () => {
	await page.goto(PAGE + '#/tokens/' + encodeURIComponent(TENANT));
	await page.waitForSelector('#tokens', {timeout: WAIT});
	await page.type('#token-label', 'Okta production');
	await page.click('#issue');
	await page.waitForSelector('#token-value', {timeout: WAIT});
	await page.waitForFunction(() => Array.from(document.querySelectorAll(
	    '#tokens .label')).some((e) => e.textContent === 'Okta production'),
	    {timeout: WAIT});
	const rows = await tokenRows(page);
	return [rows.some((r) => r.label === 'Okta production' &&
	    r.state === 'active'), JSON.stringify(rows)];
});
await check('tokens: a label holding markup shows as text', async () => {
	const label = env.SCIMLET_XSS_LABEL;
	const shown = await page.$$eval('#tokens .label',
	    (cells) => cells.map((c) => c.textContent));
	const els = await page.$$('#tokens img, #tokens b, #tokens script');
	const ran = await page.evaluate(() => window.xss);
	return [shown.includes(label) && els.length === 0 &&
	    ran === undefined, JSON.stringify({shown, elements: els.length,
	    ran})];
});
let rotatedFrom = null;
await check('tokens: rotate (after its confirm) revokes the old one',
    async () => {
	const rows = await tokenRows(page);
	rotatedFrom = rows.find((r) => r.label === 'Okta production').id;
	const row = `#tokens tr[data-id="${rotatedFrom}"]`;
	await page.click(row + ' .rotate');
	await page.waitForSelector(row + ' .confirm', {timeout: WAIT});
	const before = await text(page, '#token-value');
	await page.click(row + ' .confirm');
	await page.waitForFunction((sel) => {
		const s = document.querySelector(sel + ' .state');
		return s && s.textContent !== 'active';
	}, {timeout: WAIT}, row);
	const after = await text(page, '#token-value');
	const now = await tokenRows(page);
	return [after !== before && /^scimlet_/.test(after) &&
	    now.filter((r) => r.label === 'Okta production' &&
		r.state === 'active').length === 1, JSON.stringify(now)];
});
await shot(page, 'console-tokens');
await check('tokens: revoke (after its confirm)', async () => {
	const rows = await tokenRows(page);
	const id = rows.find((r) => r.label === 'Okta production' &&
	    r.state === 'active').id;
	const row = `#tokens tr[data-id="${id}"]`;
	await page.click(row + ' .revoke');
	await page.waitForSelector(row + ' .confirm', {timeout: WAIT});
	await page.click(row + ' .confirm');
	await page.waitForFunction((sel) => {
		const s = document.querySelector(sel + ' .state');
		return s && s.textContent === 'revoked';
	}, {timeout: WAIT}, row);
	return [true];
});
await check('tokens: the page agrees with `token list --json`', async () => {
	const rows = await tokenRows(page);
	const listed = cliTokens(TENANT);
	const bad = [];
	for (const t of listed) {
		const r = rows.find((x) => x.id === t.id);
		const state = t.revoked ? 'revoked' : (t.expires &&
		    Date.parse(t.expires) <= Date.now()) ? 'expired' : 'active';
		if (!r || r.label !== (t.label || '—') || r.state !== state)
			bad.push(JSON.stringify(t) + ' vs ' + JSON.stringify(r));
	}
	return [bad.length === 0 && rows.length === listed.length,
	    bad.join('\n') + '\npage ' + rows.length + ', CLI ' +
	    listed.length];
});

// ---- anti-CSRF
await check('a state-changing call without the CSRF header is refused (403)',
    async () => {
	const before = cliTokens(TENANT).length;
	const no = await pageFetch(page, 'POST', 'tenants/' + TENANT +
	    '/tokens', {label: 'csrf'}, {'Content-Type': 'application/json'});
	const wrong = await pageFetch(page, 'POST', 'tenants/' + TENANT +
	    '/tokens', {label: 'csrf'}, {'Content-Type': 'application/json',
	    'X-Scimlet-CSRF': 'wrong'});
	const del = await pageFetch(page, 'DELETE', 'session');
	const after = cliTokens(TENANT).length;
	return [no.status === 403 && wrong.status === 403 &&
	    del.status === 403 && after === before,
	    `no header ${no.status}, wrong ${wrong.status}, DELETE session ` +
	    `${del.status}, tokens ${before} -> ${after}`];
});

// ---- the tenant admin, in a second browser context (its own cookies)
const ctx = await browser.createBrowserContext();
const tpage = await ctx.newPage();
await watch(tpage, 'tenant admin');
await check('a tenant admin sees only its tenant', async () => {
	await signIn(tpage, env.SCIMLET_TENANT_ADMIN);
	await tpage.waitForSelector('#tenants', {timeout: WAIT});
	const names = await tpage.$$eval('#tenants tbody tr',
	    (rs) => rs.map((r) => r.dataset.tenant));
	return [names.length === 1 && names[0] === TENANT,
	    JSON.stringify(names)];
});
await shot(tpage, 'console-tenant-admin');
await check('a tenant admin gets 404 for another tenant\'s API URLs',
    async () => {
	const csrf = await tpage.evaluate(async (u) =>
	    (await (await fetch(u)).json()).csrf, API + 'session');
	const h = {'Content-Type': 'application/json', 'X-Scimlet-CSRF': csrf};
	const got = [
	    await pageFetch(tpage, 'GET', 'tenants/' + OTHER + '/tokens'),
	    await pageFetch(tpage, 'POST', 'tenants/' + OTHER + '/tokens',
		{label: 'x'}, h),
	    await pageFetch(tpage, 'DELETE', 'tenants/' + OTHER +
		'/tokens/whatever', undefined, h),
	    await pageFetch(tpage, 'GET', 'tenants/no-such-tenant/tokens')];
	const other = cliTokens(OTHER).filter((t) => t.label === 'x');
	return [got.every((r) => r.status === 404) && other.length === 0,
	    got.map((r) => r.status + ' ' + r.body.slice(0, 200)).join('\n')];
});
await check('a tenant admin\'s page for another tenant shows the refusal',
    async () => {
	await tpage.goto(PAGE + '#/tokens/' + encodeURIComponent(OTHER));
	await tpage.waitForSelector('main .msg.error', {timeout: WAIT});
	const rows = await tpage.$$('#tokens tbody tr');
	return [rows.length === 0, await text(tpage, 'main .msg.error')];
});

// ---- sign out
await check('sign out ends the session (the API then answers 401)',
    async () => {
	await page.click('#nav a[data-page=signout]');
	await page.waitForSelector('#credential', {timeout: WAIT});
	const api = await pageFetch(page, 'GET', 'tenants');
	// The old cookie, replayed, is dead on the server too.
	const r = await fetch(API + 'tenants', {headers: {Cookie:
	    'scimlet_admin=' + cookie.value}});
	return [api.status === 401 && r.status === 401,
	    `page ${api.status}, replayed cookie ${r.status}`];
});
await check('a session ended elsewhere sends the page back to sign-in',
    async () => {
	cli('admin', 'end', '--all');
	await tpage.click('#nav a[data-page=overview]');
	await tpage.waitForSelector('#credential', {timeout: WAIT});
	return [true];
});

// ---- failed sign-ins are limited: the page shows the wait
await check('repeated bad credentials: the page shows the 429 and its wait',
    async () => {
	await page.goto(PAGE + '#/signin');
	await page.waitForSelector('#credential', {timeout: WAIT});
	let status = 0, msg = '';
	for (let i = 0; i < 10 && status !== 429; i++) {
		await page.$eval('#credential', (e) => { e.value = ''; });
		await page.type('#credential', 'scimadm_wrong-' + i);
		const [r] = await Promise.all([page.waitForResponse((x) =>
		    x.url() === API + 'session' &&
		    x.request().method() === 'POST', {timeout: WAIT}),
		    page.click('#signin button[type=submit]')]);
		status = r.status();
	}
	await page.waitForFunction(() => /retry in \d+ s/.test(
	    document.querySelector('#signin-error').textContent),
	    {timeout: WAIT});
	msg = await text(page, '#signin-error');
	return [status === 429, status + ': ' + msg];
});

// ---- the page logged nothing wrong
await check('no console errors, page errors, CSP violations or stray text', async () =>
    [problems.length === 0, problems.join('\n')]);

await ctx.close();
await done();
