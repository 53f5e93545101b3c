// The console's pages over cycles, activity, users and groups, roles and
// deprovisioning (www/console/{cycles,users,roles,deprov}.js) in headless
// Chromium, against the real worker that tests/e2e/e2e_console_pages.py
// starts.  It plays part of an Entra sequence over SCIM itself, so that
// it can make requests while a page is open.  Prints TAP.
//
// Environment (set by e2e_console_pages.py; the rest in common.mjs):
//   SCIMLET_TENANT_URL    the SCIM base
//   SCIMLET_SCIM_TOKEN    a provisioning token of SCIMLET_TENANT ("Entra ID")
//   SCIMLET_OPERATOR      an operator credential
//   SCIMLET_TENANT_ADMIN  a tenant admin credential of SCIMLET_TENANT
//   SCIMLET_TENANT, SCIMLET_OTHER_TENANT
import { env, API, WAIT, check, cli, cliLines, problems, watch, shot,
    text, signIn, launch, done } from './common.mjs';

const T = env.SCIMLET_TENANT;
const OTHER = env.SCIMLET_OTHER_TENANT;
const SCIM = env.SCIMLET_TENANT_URL.replace(/\/+$/, '');
const XSS = '<img src=x onerror="window.xss=1"><script>window.xss=2</script>';
const UA = 'Azure-AD-SCIM-Provisioning/1.0';
const URN_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const URN_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const URN_PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

// One SCIM request as Entra makes it: {status, body, rid}.
async function scim(method, path, body) {
	const r = await fetch(SCIM + path, {method: method, headers: {
	    Authorization: 'Bearer ' + env.SCIMLET_SCIM_TOKEN,
	    'Content-Type': 'application/scim+json', 'User-Agent': UA},
	    body: body === undefined ? undefined : JSON.stringify(body)});
	const t = await r.text();
	let b = null;
	try {
		b = t ? JSON.parse(t) : null;
	} catch (e) {
		b = t;
	}
	return {status: r.status, body: b, rid: r.headers.get('x-request-id')};
}

function user(name, extra) {
	return Object.assign({schemas: [URN_USER], userName: name,
	    name: {givenName: 'Given', familyName: 'Family'},
	    emails: [{value: name, type: 'work', primary: true}],
	    active: true}, extra || {});
}

const patch = (...ops) => ({schemas: [URN_PATCH], Operations: ops});
const rowsOf = (page, sel) => page.$$eval(sel, (rs) => rs.map((r) =>
    r.dataset.request || r.dataset.id || r.dataset.seq));
const hashTo = (page, h) => page.evaluate((x) => { location.hash = x; }, h);

// Requests the page makes to the API, for the live checks.
const calls = [];

const browser = await launch(80);
const page = await browser.newPage();
await watch(page, 'operator');
page.on('request', (r) => {
	if (r.url().startsWith(API))
		calls.push([Date.now(), r.url().slice(API.length)]);
});

await check('operator signs in', async () => {
	await signIn(page, env.SCIMLET_OPERATOR);
	await page.waitForSelector('#tenants', {timeout: WAIT});
	return [true];
});

// ---- part of an Entra sequence
const ids = {};
let dup = null;
await check('SCIM: part of an Entra cycle (lookup, creates, a PATCH, a ' +
    'group, a taken userName refused 409)', async () => {
	const got = [];
	got.push((await scim('GET', '/Users?filter=' + encodeURIComponent(
	    'userName eq "ann@acme.example"'))).status);
	for (const [k, name, extra] of [
	    ['ann', 'ann@acme.example', {displayName: 'Ann Arbor',
		roles: [{value: 'Admin'}]}],
	    ['bob', 'bob@acme.example', {displayName: 'Bob Builder'}],
	    ['xss', XSS, {displayName: XSS}],
	    ['dave', 'dave@acme.example'], ['erin', 'erin@acme.example'],
	    ['fred', 'fred@acme.example'], ['gina', 'gina@acme.example']]) {
		const r = await scim('POST', '/Users', user(name, extra));
		got.push(r.status);
		ids[k] = r.body && r.body.id;
	}
	got.push((await scim('PATCH', '/Users/' + ids.ann, patch({op:
	    'replace', path: 'displayName', value: 'Ann B. Arbor'}))).status);
	const g = await scim('POST', '/Groups', {schemas: [URN_GROUP],
	    displayName: 'Staff', members: [{value: ids.ann},
	    {value: ids.bob}]});
	got.push(g.status);
	ids.staff = g.body && g.body.id;
	dup = await scim('POST', '/Users', user('BOB@acme.example'));
	got.push(dup.status);
	return [got.join(' ') === '200 201 201 201 201 201 201 201 200 201 ' +
	    '409' && dup.rid && dup.body.detail, got.join(' ')];
});

// ---- cycles
await check('cycles: the cycle, running, with the CLI\'s counts and its ' +
    'failure outstanding', async () => {
	await hashTo(page, '#/cycles/' + T);
	await page.waitForSelector('#cycles tbody tr', {timeout: WAIT});
	const cy = cliLines('cycles', T, '--json').reverse();
	const rows = await page.$$eval('#cycles tbody tr', (rs) => rs.map(
	    (r) => ({id: r.dataset.id, label: r.querySelector('.label')
		.textContent, requests: Number(r.querySelector('.requests')
		.textContent), failures: Number(r.querySelector('.failures')
		.textContent), outstanding: Number(r.querySelector(
		'.outstanding').textContent), state: r.querySelector('.state')
		.textContent})));
	const want = cy.map((c) => ({id: c.id, label: c.label || c.token,
	    requests: c.requests, failures: c.failures, outstanding:
	    c.outstanding, state: c.running ? 'running' : rows.length &&
	    rows.find((r) => r.id === c.id).state}));
	return [JSON.stringify(rows) === JSON.stringify(want) &&
	    rows.length === 1 && rows[0].label === 'Entra ID' &&
	    rows[0].state === 'running' && rows[0].outstanding === 1,
	    'page ' + JSON.stringify(rows) + '\nCLI  ' + JSON.stringify(want)];
});
await shot(page, 'console-cycles');

await check('live: a new request shows up on the cycle list without a ' +
    'reload', async () => {
	await page.evaluate(() => { window.notReloaded = true; });
	const before = Number(await text(page, '#cycles tbody tr .requests'));
	const r = await scim('POST', '/Users', user('carol@acme.example'));
	ids.carol = r.body && r.body.id;
	await page.waitForFunction((n) => Number(document.querySelector(
	    '#cycles tbody tr .requests').textContent) === n + 1,
	    {timeout: WAIT}, before);
	return [r.status === 201 && await page.evaluate(() =>
	    window.notReloaded === true), 'before ' + before];
});

await check('cycle: its failure first, with the request id, resource, ' +
    'status and the detail the client got', async () => {
	await page.click('#cycles tbody tr .time a');
	await page.waitForSelector('#failures tbody tr', {timeout: WAIT});
	const f = await page.$eval('#failures tbody tr', (r) => ({
	    request: r.dataset.request, state: r.className,
	    resource: r.querySelector('.resource').textContent,
	    status: r.querySelector('.status').textContent,
	    detail: r.querySelector('.detail').textContent}));
	return [f.request === dup.rid && f.state === 'outstanding' &&
	    f.resource === 'User BOB@acme.example' &&
	    f.status === '409 uniqueness' && f.detail === dup.body.detail,
	    JSON.stringify(f) + '\nwant ' + dup.rid + ' ' + dup.body.detail];
});
await shot(page, 'console-cycle');

await check('leaving a live page stops its polling', async () => {
	await hashTo(page, '#/overview');
	await page.waitForSelector('#tenants', {timeout: WAIT});
	const t0 = Date.now();
	await new Promise((r) => setTimeout(r, 3600));
	const late = calls.filter(([t, u]) => t >= t0 &&
	    /\/(cycles|activity)/.test(u));
	return [late.length === 0, JSON.stringify(late)];
});

// ---- activity
await check('activity: live, a new request appears without a reload',
    async () => {
	await hashTo(page, '#/activity/' + T);
	await page.waitForSelector('#activity tbody tr', {timeout: WAIT});
	await page.evaluate(() => { window.notReloaded = true; });
	const r = await scim('GET', '/Users/' + ids.ann);
	await page.waitForSelector(`#activity tr[data-request="${r.rid}"]`,
	    {timeout: WAIT});
	return [await page.evaluate(() => window.notReloaded === true),
	    r.rid];
});
await check('activity: the status filter (4xx) lists what `activity ' +
    '--status 4xx` does', async () => {
	await page.type('#f-status', '4xx');
	await page.click('#activity-filter button[type=submit]');
	await page.waitForFunction(() => /status=4xx/.test(location.hash) &&
	    document.querySelector('#activity tbody tr'), {timeout: WAIT});
	const got = await rowsOf(page, '#activity tbody tr');
	const want = cliLines('activity', T, '--json', '--status', '4xx')
	    .map((a) => a.request).reverse();
	return [JSON.stringify(got) === JSON.stringify(want) &&
	    want.includes(dup.rid), 'page ' + got + '\nCLI  ' + want];
});
await check('activity: the user filter (userName) lists what `activity ' +
    '--user` does', async () => {
	await hashTo(page, '#/activity/' + T + '?user=ann%40acme.example');
	await page.waitForFunction(() => document.querySelector(
	    '#f-user') && document.querySelector('#f-user').value ===
	    'ann@acme.example' && document.querySelector(
	    '#activity tbody tr'), {timeout: WAIT});
	const got = await rowsOf(page, '#activity tbody tr');
	const want = cliLines('activity', T, '--json', '--user',
	    'ann@acme.example').map((a) => a.request).reverse();
	return [JSON.stringify(got) === JSON.stringify(want) &&
	    want.length >= 3, 'page ' + got + '\nCLI  ' + want];
});
await shot(page, 'console-activity');

// ---- users and groups
const noMarkup = (p) => p.evaluate(() => ({
    elements: document.querySelectorAll('main img, main script, ' +
	'img, script:not([src])').length,
    ran: window.xss === undefined ? null : window.xss}));

await check('users: search by part of a displayName', async () => {
	await hashTo(page, '#/users/' + T);
	await page.waitForSelector('#users-q', {timeout: WAIT});
	await page.type('#users-q', 'BUILD');
	await page.click('#users-search button');
	await page.waitForFunction(() => /q=BUILD/.test(location.hash) &&
	    document.querySelector('#users'), {timeout: WAIT});
	const names = await page.$$eval('#users .username', (c) => c.map(
	    (x) => x.textContent));
	return [JSON.stringify(names) === '["bob@acme.example"]',
	    JSON.stringify(names)];
});
await check('users: a userName holding markup shows as text, nothing ' +
    'of it runs', async () => {
	await hashTo(page, '#/users/' + T + '?q=' + encodeURIComponent(
	    'onerror'));
	await page.waitForFunction(() => /q=onerror/.test(location.hash) &&
	    document.querySelector('#users .username'), {timeout: WAIT});
	const names = await page.$$eval('#users .username', (c) => c.map(
	    (x) => x.textContent));
	const m = await noMarkup(page);
	return [names.length === 1 && names[0] === XSS && m.elements === 0 &&
	    m.ran === null, JSON.stringify({names, m})];
});
await shot(page, 'console-users');
await check('user: the markup userName\'s page shows it as text',
    async () => {
	await page.click('#users .username a');
	await page.waitForSelector('#user-attributes', {timeout: WAIT});
	const title = await text(page, '#user-name');
	const attr = await page.$eval('#user-attributes tr[data-attr=' +
	    'userName] td', (e) => e.textContent);
	const m = await noMarkup(page);
	return [title === XSS && attr === XSS && m.elements === 0 &&
	    m.ran === null, JSON.stringify({title, attr, m})];
});
await check('user: attributes, groups, roles and history as the API and ' +
    'the CLI have them', async () => {
	await hashTo(page, '#/users/' + T + '/' + ids.ann);
	await page.waitForFunction((id) => {
		const e = document.querySelector('#user-facts dd');
		return e && e.textContent === id;
	}, {timeout: WAIT}, ids.ann);
	const got = await page.evaluate(() => ({
	    displayName: document.querySelector('#user-attributes ' +
		'tr[data-attr=displayName] > td').textContent,
	    given: document.querySelector('#user-attributes ' +
		'tr[data-attr=name] tr[data-attr=givenName] td').textContent,
	    groups: document.querySelector('#user-groups').textContent,
	    activity: Array.from(document.querySelectorAll(
		'#activity tbody tr'), (r) => r.dataset.request),
	    audit: document.querySelectorAll('#user-audit tbody tr')
		.length}));
	const show = JSON.parse(cli('user', 'show', T, ids.ann, '--json'));
	// The API's user history is `activity --user USERNAME`'s (the
	// lookup by userName before the create included).
	const want = cliLines('activity', T, '--json', '--user',
	    'ann@acme.example').map((a) => a.request).reverse();
	const roles = await page.$eval('#user-facts', (e) => e.textContent);
	return [got.displayName === 'Ann B. Arbor' && got.given === 'Given' &&
	    got.groups === 'Staff' && JSON.stringify(got.activity) ===
	    JSON.stringify(want) && /admin/.test(roles) &&
	    JSON.stringify(show).includes('"admin"'), JSON.stringify(got) +
	    '\nCLI activity ' + want + '\n' + roles];
});
await shot(page, 'console-user');
await check('group: its member count and members', async () => {
	await page.click('#user-groups a');
	await page.waitForSelector('#members tbody tr', {timeout: WAIT});
	const facts = await text(page, '#group-facts');
	const members = (await rowsOf(page, '#members tbody tr')).sort();
	return [/Members2/.test(facts) && JSON.stringify(members) ===
	    JSON.stringify([ids.ann, ids.bob].sort()), facts + ' ' + members];
});

// ---- roles
function appRoles() {
	const o = {};
	for (const u of cliLines('user', 'list', T, '--json'))
		o[u.id] = JSON.stringify(u.appRoles);
	return o;
}
let affected = null, previewed = null, rolesBefore = null;
await check('roles: source, default, policy and mappings with holders',
    async () => {
	await hashTo(page, '#/roles/' + T);
	await page.waitForSelector('#mappings tbody tr', {timeout: WAIT});
	const rows = await page.$$eval('#mappings tbody tr', (rs) => rs.map(
	    (r) => [r.dataset.kind, r.dataset.value, r.dataset.role,
	    r.querySelector('.holders').textContent].join(' ')));
	const facts = await text(page, '#role-settings');
	return [JSON.stringify(rows) === '["value admin admin 1"]' &&
	    /Sourceroles/.test(facts), JSON.stringify(rows) + ' ' + facts];
});
await check('roles: a change shows its affected users before it is saved',
    async () => {
	rolesBefore = appRoles();
	await page.select('#role-op', 'map-group');
	await page.type('#role-group', 'Staff');
	await page.type('#role-role', 'staff');
	await page.click('#role-preview');
	await page.waitForSelector('#role-affected', {timeout: WAIT});
	affected = Number(await page.$eval('#role-affected',
	    (e) => e.dataset.affected));
	previewed = (await rowsOf(page, '#role-users tbody tr')).sort();
	const shown = await text(page, '#role-affected');
	const now = cliLines('user', 'list', T, '--role', 'staff', '--json');
	return [affected === 2 && /^2 users' roles would change/.test(shown) &&
	    now.length === 0 && JSON.stringify(appRoles()) ===
	    JSON.stringify(rolesBefore), shown + ' ' + previewed];
});
await shot(page, 'console-roles');
await check('roles: Save applies it; the count is what `user list --role` ' +
    'then shows changed', async () => {
	await page.click('#role-save');
	await page.waitForSelector('#role-result .msg.ok', {timeout: WAIT});
	await page.waitForSelector('#mappings tr[data-role=staff]',
	    {timeout: WAIT});
	const after = appRoles();
	const changed = Object.keys(after).filter((k) => after[k] !==
	    rolesBefore[k]).sort();
	const staff = cliLines('user', 'list', T, '--role', 'staff',
	    '--json').map((u) => u.id).sort();
	return [changed.length === affected && JSON.stringify(changed) ===
	    JSON.stringify(previewed) && JSON.stringify(staff) ===
	    JSON.stringify(previewed), 'changed ' + changed + '\npreviewed ' +
	    previewed + '\n--role staff ' + staff + '\n' +
	    await text(page, '#role-result')];
});

// ---- deprovisioning (its API: tenants/T/{audit,restore,breaker})
await check('deprov: Entra\'s PATCH active false then DELETE',
    async () => {
	const a = await scim('PATCH', '/Users/' + ids.dave, patch({op:
	    'replace', path: 'active', value: false}));
	const b = await scim('DELETE', '/Users/' + ids.dave);
	const c = await scim('GET', '/Users/' + ids.dave);
	return [a.status === 200 && b.status === 204 && c.status === 404,
	    [a.status, b.status, c.status].join(' ')];
});
await check('deprov: the delete\'s restore shows its dry run first; the ' +
    'user is still gone', async () => {
	await hashTo(page, '#/deprov/' + T);
	await page.waitForSelector('#audit tr[data-action="user.deleted"] ' +
	    'button.restore', {timeout: WAIT});
	await page.click('#audit tr[data-action="user.deleted"] ' +
	    'button.restore');
	await page.waitForSelector('#restore-dry-run #restore-confirm',
	    {timeout: WAIT});
	const plan = await text(page, '#restore-dry-run');
	const c = await scim('GET', '/Users/' + ids.dave);
	return [c.status === 404 && /dave@acme\.example/.test(plan),
	    c.status + ' ' + plan];
});
await shot(page, 'console-deprov');
await check('deprov: confirmed, the user is back over SCIM (GET 200)',
    async () => {
	await page.click('#restore-confirm');
	await page.waitForSelector('#restore-report', {timeout: WAIT});
	const c = await scim('GET', '/Users/' + ids.dave);
	return [c.status === 200 && c.body.id === ids.dave,
	    c.status + ' ' + await text(page, '#restore-report')];
});
await check('deprov: a whole cycle\'s dry run lists what `restore ' +
    '--cycle last --dry-run --json` does, and changes nothing', async () => {
	const before = cli('audit', 'list', T, '--json');
	await page.click('#restore-cycle-form button[type=submit]');
	await page.waitForSelector('#restore-dry-run', {timeout: WAIT});
	const seqs = await page.$$eval('#restore-dry-run ul.entries > li',
	    (ls) => ls.map((l) => Number(l.dataset.seq)));
	let want;
	try {
		want = JSON.parse(cli('restore', T, '--cycle', 'last',
		    '--dry-run', '--json'));
	} catch (e) {
		want = {entries: [], error: String(e)};
	}
	const wseqs = want.entries.map((e) => e.seq);
	const after = cli('audit', 'list', T, '--json');
	await page.click('#restore-dry-run button:not(.confirm)');
	return [JSON.stringify(seqs) === JSON.stringify(wseqs) &&
	    seqs.length > 0 && before === after, 'page ' + seqs + ', CLI ' +
	    wseqs + (want.error || '')];
});
let held = null;
await check('breaker: a small limit, deletes: it trips, the page shows ' +
    'it tripped', async () => {
	const st = JSON.parse(cli('breaker', T, 'status', '--json'));
	cli('tenant', 'set', T, 'breaker=' + (st.count + 1));
	const got = [];
	for (const k of ['erin', 'fred', 'gina']) {
		const r = await scim('DELETE', '/Users/' + ids[k]);
		got.push(r.status);
		if (r.status === 503) {
			held = k;
			break;
		}
	}
	await hashTo(page, '#/overview');
	await hashTo(page, '#/deprov/' + T);
	await page.waitForSelector('#breaker-state', {timeout: WAIT});
	const state = await text(page, '#breaker-state');
	return [held && state === 'tripped', got.join(' ') + ' ' + state];
});
await shot(page, 'console-breaker');
await check('breaker: released from the page; the held delete then passes',
    async () => {
	await page.click('#breaker-release');
	await page.click('#breaker-release-confirm');
	await page.waitForFunction(() => document.querySelector(
	    '#breaker-state') && document.querySelector('#breaker-state')
	    .textContent === 'released', {timeout: WAIT});
	const st = JSON.parse(cli('breaker', T, 'status', '--json'));
	const r = await scim('DELETE', '/Users/' + ids[held]);
	return [st.state === 'released' && r.status === 204,
	    st.state + ' ' + r.status];
});

// ---- a tenant admin: its tenant only
const ctx = await browser.createBrowserContext();
const tpage = await ctx.newPage();
await watch(tpage, 'tenant admin');
await check('tenant admin: the pages show its tenant only', async () => {
	await signIn(tpage, env.SCIMLET_TENANT_ADMIN);
	await tpage.waitForSelector('#tenants', {timeout: WAIT});
	await hashTo(tpage, '#/cycles');
	await tpage.waitForSelector('#cycles tbody tr', {timeout: WAIT});
	const shown = (await rowsOf(tpage, '#cycles tbody tr')).sort();
	const mine = cliLines('cycles', T, '--json').map((c) => c.id).sort();
	const nav = await tpage.$$eval('#nav a[data-tenant]', (as) =>
	    as.map((a) => a.getAttribute('href')));
	await hashTo(tpage, '#/deprov');
	await tpage.waitForSelector('#breaker-state', {timeout: WAIT});
	const heading = await text(tpage, 'main h1');
	await hashTo(tpage, '#/users');
	await tpage.waitForSelector('#users', {timeout: WAIT});
	const users = await tpage.$$eval('#users .username', (c) => c.map(
	    (x) => x.textContent));
	return [JSON.stringify(shown) === JSON.stringify(mine) &&
	    nav.every((h) => h.endsWith('/' + T)) &&
	    !users.some((u) => /globex/.test(u)) && users.length > 3 &&
	    heading === 'Deprovisioning of ' + T,
	    JSON.stringify({shown, mine, nav, users, heading})];
});
await check('tenant admin: another tenant\'s pages show the refusal and ' +
    'nothing of it', async () => {
	const seen = [];
	for (const p of ['cycles', 'activity', 'users', 'groups', 'roles',
	    'deprov']) {
		await hashTo(tpage, '#/' + p + '/' + OTHER);
		await tpage.waitForSelector('main .msg.error', {timeout: WAIT});
		seen.push(p + ': ' + await text(tpage, 'main .msg.error') +
		    ' rows ' + (await tpage.$$('main tbody tr')).length);
	}
	return [seen.every((s) => / rows 0$/.test(s)), seen.join('\n')];
});

await check('no console errors, page errors, dialogs, CSP violations or stray text',
    async () => [problems.length === 0, problems.join('\n')]);
await ctx.close();
await done();
