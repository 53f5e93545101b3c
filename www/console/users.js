/*
 * The console's Users and Groups pages (README, "Operator console"):
 * search by userName or displayName; a user's stored SCIM resource as a
 * table, its groups, application roles and history (activity records
 * and audit entries); a group with its member count and first members.
 * Loaded after cycles.js (its activity table).
 */
'use strict';

(function () {
	const C = window.scimlet;
	const {h, fill, api, timeCell, showError, pageTenant, pickTenant, tpath,
	    link, loading, table, td, facts, heading} = C;

	/* A search form whose query goes into the page's URL. */
	function searchForm(id, page, tenant, q, hint) {
		const input = h('input', {id: id + '-q', type: 'search',
		    value: q || '', placeholder: hint, size: 30});
		const form = h('form', {id: id + '-search', class: 'inline'},
		    h('label', {for: id + '-q'}, 'Search'), input,
		    h('button', {type: 'submit'}, 'Search'));
		form.addEventListener('submit', (ev) => {
			ev.preventDefault();
			location.hash = link(page, tenant, {q: input.value});
		});
		return form;
	}

	function moreNote(more, what) {
		return more ? h('p', {class: 'muted more'}, 'Only the first ' +
		    what + ': narrow the search.') : null;
	}

	/* ---- Users -------------------------------------------------- */

	async function pageUsers(arg, my, r) {
		const tenant = pageTenant(arg);
		if (!tenant)
			return pickTenant('users', 'Users', my);
		if (r.args[1])
			return pageUser(tenant, r.args[1], my);
		const q = r.query.get('q') || '';
		const box = loading();
		fill(C.main, heading('Users of', tenant),
		    searchForm('users', 'users', tenant, q, 'part of a ' +
			'userName or displayName'), box);
		try {
			const d = await api('GET', tpath(tenant, 'users') +
			    (q ? '?q=' + C.enc(q) : ''));
			if (!C.current(my))
				return;
			fill(box, table('users', [['userName'],
			    ['displayName'], ['Active'], ['Application roles'],
			    ['externalId']], d.users.map((u) => h('tr',
			    {'data-id': u.id, class: u.active ? null :
				'inactive'},
			    h('td', {class: 'username'}, h('a', {href: link(
				'users', tenant, u.id)}, u.userName)),
			    td(u.displayName, 'displayname'),
			    td(u.active ? 'yes' : 'no', 'active'),
			    td((u.appRoles || []).join(', ') || '—', 'roles'),
			    td(u.externalId))), q ? 'No user matches.' :
			    'No users yet.'), moreNote(d.more, '100'));
		} catch (e) {
			showError(box, e);
		}
	}

	/* A SCIM resource as nested tables: an attribute a row, a complex
	 * value a table, a multi-valued one a list. */
	function attrValue(v) {
		if (v === null)
			return h('span', {class: 'muted'}, 'null');
		if (Array.isArray(v))
			return v.length ? h('ol', {class: 'multi'}, v.map((x) =>
			    h('li', {}, attrValue(x)))) :
			    h('span', {class: 'muted'}, '(empty)');
		if (typeof v === 'object')
			return attrTable(v);
		return h('span', {class: typeof v}, String(v));
	}

	function attrTable(o, id) {
		return h('table', {class: 'attrs', id: id || null},
		    h('tbody', {}, Object.entries(o).map(([k, v]) =>
			h('tr', {'data-attr': k}, h('th', {}, k),
			    h('td', {}, attrValue(v))))));
	}

	/* Audit entries (`audit list --json`), newest first; act(entry)
	 * may give a cell of actions. */
	function auditTable(id, tenant, entries, act) {
		return table(id, [['Seq', 'num'], ['Time'], ['Action'],
		    ['Resource'], ['By'], ['Detail']].concat(act ? [['']] : []),
		    entries.slice().reverse().map((e) => h('tr',
		    {'data-seq': e.seq, 'data-action': e.action},
		    td(e.seq, 'num'), timeCell(e.time), td(e.action, 'action'),
		    h('td', {class: 'resource'}, C.resource({resourceType:
			e.type, id: e.id, name: e.name}, tenant)),
		    td(e.token === 'cli' || e.token === 'console' ?
			e.agent || e.token : e.token, 'by'),
		    td(e.detail === null || e.detail === undefined ? '' :
			JSON.stringify(e.detail), 'detail'),
		    act ? h('td', {class: 'actions'}, act(e)) : null)),
		    'No audit entry.');
	}
	C.auditTable = auditTable;

	async function pageUser(tenant, id, my) {
		const box = loading();
		fill(C.main, h('p', {class: 'bar'}, h('a',
		    {href: link('users', tenant)}, '← users of ' + tenant)),
		    box);
		try {
			const d = await api('GET', tpath(tenant, 'users', id));
			if (!C.current(my))
				return;
			const u = d.user;
			const more = d.more || {};
			fill(box,
			    h('h1', {id: 'user-name'}, u.userName),
			    facts('user-facts', [['id', u.id],
				['displayName', u.displayName],
				['Active', u.active === false ? 'no' : 'yes'],
				['Application roles', (d.roles || []).join(', ') ||
				    'none'],
				['Groups', d.groups.length ? h('span', {id:
				    'user-groups'}, d.groups.flatMap((g, i) =>
				    [i ? ', ' : '', h('a', {href: link('groups',
					tenant, g.id)}, g.displayName || g.id)])) :
				    'none'],
				['History', h('span', {}, h('a', {href: link(
				    'activity', tenant, {user: u.id})},
				    'its activity'), ' · ', h('a', {href: link(
				    'deprov', tenant, {id: u.id})},
				    'its audit entries, restore'))]]),
			    h('section', {class: 'card'}, h('h2', {},
				'Attributes (the stored SCIM resource)'),
				attrTable(u, 'user-attributes')),
			    h('section', {class: 'card'}, h('h2', {},
				'Activity (newest first)'),
				C.activityTable(tenant, d.activity),
				moreNote(more.activity, '100 records')),
			    h('section', {class: 'card'}, h('h2', {},
				'Audit entries (newest first)'),
				auditTable('user-audit', tenant, d.audit),
				moreNote(more.audit, '100 entries')));
			document.title = 'scimlet · user ' + u.userName;
		} catch (e) {
			showError(box, e);
		}
	}

	/* ---- Groups ------------------------------------------------- */

	async function pageGroups(arg, my, r) {
		const tenant = pageTenant(arg);
		if (!tenant)
			return pickTenant('groups', 'Groups', my);
		if (r.args[1])
			return pageGroup(tenant, r.args[1], my);
		const q = r.query.get('q') || '';
		const box = loading();
		fill(C.main, heading('Groups of', tenant),
		    searchForm('groups', 'groups', tenant, q,
			'part of a displayName'), box);
		try {
			const d = await api('GET', tpath(tenant, 'groups') +
			    (q ? '?q=' + C.enc(q) : ''));
			if (!C.current(my))
				return;
			fill(box, table('groups', [['displayName'],
			    ['Members', 'num'], ['externalId']],
			    d.groups.map((g) => h('tr', {'data-id': g.id},
			    h('td', {class: 'name'}, h('a', {href: link(
				'groups', tenant, g.id)}, g.displayName)),
			    td(g.members, 'num members'), td(g.externalId))),
			    q ? 'No group matches.' : 'No groups yet.'),
			    moreNote(d.more, '100'));
		} catch (e) {
			showError(box, e);
		}
	}

	async function pageGroup(tenant, id, my) {
		const box = loading();
		fill(C.main, h('p', {class: 'bar'}, h('a',
		    {href: link('groups', tenant)}, '← groups of ' + tenant)),
		    box);
		try {
			const d = await api('GET', tpath(tenant, 'groups', id));
			if (!C.current(my))
				return;
			const g = d.group;
			fill(box,
			    h('h1', {id: 'group-name'}, g.displayName),
			    facts('group-facts', [['id', g.id],
				['externalId', g.externalId],
				['Members', d.memberCount],
				['Activity', h('a', {href: link('activity', tenant,
				    {group: g.id})}, 'its activity')]]),
			    h('section', {class: 'card'}, h('h2', {},
				d.more ? 'First members' : 'Members'),
				table('members', [['Member'], ['Type'], ['id']],
				d.members.map((m) => h('tr', {'data-id': m.id},
				    h('td', {class: 'name'}, h('a', {href: link(
					m.type === 'Group' ? 'groups' : 'users',
					tenant, m.id)}, m.display || m.id)),
				    td(m.type), td(m.id, 'id'))), 'No members.'),
				moreNote(d.more, '100 members')),
			    h('section', {class: 'card'}, h('h2', {},
				'Attributes'), attrTable(g, 'group-attributes')));
		} catch (e) {
			showError(box, e);
		}
	}

	C.page('users', pageUsers);
	C.page('groups', pageGroups);
})();
