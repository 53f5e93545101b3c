// What the console's browser runs share (tests/browser/console.mjs,
// tests/browser/pages.mjs): TAP output, checks that time themselves,
// the CLI, Chromium under puppeteer-core with a watchdog, and a watch on
// each page for console errors and CSP violations.
//
// Environment (set by tests/e2e/browser_run.py):
//   SCIMLET_ADMIN_URL     the admin mount, http://127.0.0.1:PORT/scimlet/admin
//   SCIMLET_CLI, SCIMLET_DB   the CLI and the database, to cross-check
//   SCIMLET_NPM_DIR       where puppeteer-core is installed (var/npm)
//   SCIMLET_CHROMIUM      the browser (/usr/bin/chromium)
//   SCIMLET_SCREENSHOTS   if set, a directory for a PNG of each page
//   SCIMLET_CHROMIUM_PROFILE  an empty directory for Chromium's profile
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const env = process.env;
const require = createRequire(path.join(env.SCIMLET_NPM_DIR, 'package.json'));
const puppeteer = require('puppeteer-core');

export const ADMIN = env.SCIMLET_ADMIN_URL;
export const PAGE = ADMIN + '/';
export const API = ADMIN + '/api/';
export const WAIT = 8000;

let n = 0, failed = 0;
export function ok(cond, name, diag, todo) {
	n++;
	console.log(`${cond ? '' : 'not '}ok ${n} - ${name}` +
	    (todo ? ` # TODO ${todo}` : ''));
	if (!cond) {
		if (!todo)
			failed++;
		if (diag !== undefined)
			for (const l of String(diag).split('\n').slice(0, 30))
				console.log('# ' + l);
	}
	return cond;
}

// Run one check: fn returns [cond, diag] or throws (a failure).
const times = [];
export async function check(name, fn, todo) {
	const t0 = Date.now();
	try {
		const [cond, diag] = await fn();
		return ok(cond, name, diag, todo);
	} catch (e) {
		return ok(false, name, e && e.stack || String(e), todo);
	} finally {
		times.push([Date.now() - t0, n]);
	}
}

export function cli(...args) {
	return execFileSync(env.SCIMLET_CLI, ['--db', env.SCIMLET_DB, ...args],
	    {encoding: 'utf8', timeout: 20000});
}

// The JSON lines a --json command prints.
export function cliLines(...args) {
	return cli(...args).split('\n').filter((l) => l.trim())
	    .map((l) => JSON.parse(l));
}

// Every console message of level error or warning, page errors, CSP
// violations and failed loads of the console's own files, per page.
export const problems = [];
export async function watch(page, who) {
	await page.evaluateOnNewDocument(() => {
		document.addEventListener('securitypolicyviolation', (e) => {
			console.error('CSP violation: ' + e.violatedDirective +
			    ' blocked ' + e.blockedURI);
		});
	});
	page.on('console', (m) => {
		const text = m.text();
		// The API's expected refusals (401 sign-in, 403, 404) are
		// logged by Chromium as failed loads: not a page problem.
		if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(text))
			return;
		if (m.type() === 'error' || m.type() === 'warn' ||
		    m.type() === 'warning')
			problems.push(who + ': console ' + m.type() + ': ' + text);
	});
	page.on('pageerror', (e) => problems.push(who + ': page error: ' +
	    e.message));
	page.on('response', (r) => {
		if (r.url().startsWith(ADMIN + '/console/') && r.status() !== 200)
			problems.push(who + ': ' + r.status() + ' for ' + r.url());
	});
	page.on('dialog', async (d) => {
		problems.push(who + ': a dialog: ' + d.type() + ' ' +
		    d.message());
		await d.dismiss();
	});
}

// Text a page should never show: a value that was absent or not text
// ("null", "undefined", "[object Object]" as a node of its own; a null
// attribute value in a resource's table is a span.muted and is fine).
async function stray(page, name) {
	const bad = await page.evaluate(() => {
		const out = [];
		const w = document.createTreeWalker(document.body,
		    NodeFilter.SHOW_TEXT);
		for (let n = w.nextNode(); n; n = w.nextNode())
			if (/^(null|undefined|NaN|\[object Object\])$/.test(
			    n.data.trim()) && !n.parentElement.matches(
			    'span.muted'))
				out.push(n.parentElement.tagName + ': ' + n.data);
		return out;
	});
	for (const b of bad)
		problems.push(name + ': stray text ' + b);
}

// A PNG of the page (when SCIMLET_SCREENSHOTS is set), and a look for
// stray text on it.
export async function shot(page, name) {
	await stray(page, name);
	if (!env.SCIMLET_SCREENSHOTS)
		return;
	fs.mkdirSync(env.SCIMLET_SCREENSHOTS, {recursive: true});
	await page.screenshot({path: path.join(env.SCIMLET_SCREENSHOTS,
	    name + '.png'), fullPage: true});
}

export const text = (page, sel) => page.$eval(sel,
    (e) => e.textContent.trim());

// The API from inside the page (its cookie, its origin).
export function pageFetch(page, method, rel, body, headers) {
	return page.evaluate(async (url, method, body, headers) => {
		const r = await fetch(url, {method: method, headers: headers,
		    body: body === null ? undefined : JSON.stringify(body)});
		return {status: r.status, body: await r.text()};
	}, API + rel, method, body === undefined ? null : body, headers || {});
}

export async function signIn(page, credential) {
	await page.goto(PAGE, {waitUntil: 'load'});
	await page.waitForSelector('#credential', {timeout: WAIT});
	await page.type('#credential', credential);
	await page.click('#signin button[type=submit]');
}

// A fresh profile; browser_run.py makes it (and removes it, and stops
// any Chromium left in it), or one is made here.
const ownDir = !env.SCIMLET_CHROMIUM_PROFILE;
const userDir = env.SCIMLET_CHROMIUM_PROFILE ||
    fs.mkdtempSync(path.join(os.tmpdir(), 'scimlet-chromium.'));
let browser = null;
let watchdog = null;

export async function finish(code) {
	clearTimeout(watchdog);
	if (browser)
		await browser.close().catch(() => {});
	browser = null;
	if (ownDir)
		fs.rmSync(userDir, {recursive: true, force: true});
	process.exit(code);
}

// Chromium, with the whole run bounded by limit seconds: past it, stop
// the browser and fail.
export async function launch(limit) {
	watchdog = setTimeout(() => {
		ok(false, `the browser run finished within ${limit} s`);
		console.log('1..' + n);
		finish(1);
	}, limit * 1000);
	try {
		browser = await puppeteer.launch({
			executablePath: env.SCIMLET_CHROMIUM ||
			    '/usr/bin/chromium',
			headless: true, userDataDir: userDir,
			args: ['--no-sandbox', '--disable-gpu',
			    '--disable-quic', '--no-first-run',
			    '--disable-background-networking',
			    '--disable-component-update', '--disable-sync'],
			defaultViewport: {width: 1180, height: 760},
		});
	} catch (e) {
		ok(false, 'Chromium starts', e.stack);
		console.log('1..' + n);
		await finish(1);
	}
	return browser;
}

// The plan, the slowest checks, and the exit status.
export async function done() {
	times.sort((a, b) => b[0] - a[0]);
	console.log('# slowest checks (ms, number): ' + times.slice(0, 4)
	    .map(([ms, i]) => ms + ' #' + i).join(', '));
	console.log('1..' + n);
	await finish(failed ? 1 : 0);
}
