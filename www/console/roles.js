/*
 * The console's Roles page (README, "Operator console"): the role
 * source, default and unknown-value policy, the mappings with the users
 * holding each role, and a change (what `scimlet role ...` does) shown
 * first as its preview, the users whose roles it would change with
 * their roles before and after, then saved on a second click.
 */
'use strict';

(function () {
	const C = window.scimlet;
	const {h, fill, api, count, alertBox, showError, pageTenant, pickTenant,
	    tpath, loading, table, td, field, facts, heading} = C;

	/* Each change: its fields, as the API's body names them. */
	const OPS = {
	    'map': {title: 'map a value to a role', fields: ['value', 'role']},
	    'unmap': {title: 'unmap a value', fields: ['value']},
	    'map-group': {title: 'map a group to a role',
		fields: ['group', 'role']},
	    'unmap-group': {title: 'unmap a group', fields: ['group']},
	    'default': {title: 'set the default role', fields: ['role']},
	    'source': {title: 'set the role source', fields: ['source']},
	    'unknown': {title: 'set the unknown-value policy',
		fields: ['policy']}};
	const HINTS = {value: 'incoming value, e.g. Admin', role: 'app role',
	    group: 'group displayName', source: 'roles, roleName or a URN'};

	function roleList(a) {
		return a && a.length ? a.join(', ') : '(none)';
	}

	async function pageRoles(arg, my) {
		const tenant = pageTenant(arg);
		if (!tenant)
			return pickTenant('roles', 'Roles', my);
		const settings = loading();
		const op = h('select', {id: 'role-op'}, Object.entries(OPS).map(
		    ([k, o]) => h('option', {value: k}, k + ': ' + o.title)));
		const inputs = {};
		for (const k of ['value', 'group', 'role', 'source'])
			inputs[k] = h('input', {id: 'role-' + k, placeholder:
			    HINTS[k], size: 18});
		inputs.policy = h('select', {id: 'role-policy'},
		    h('option', {value: 'reject'}, 'reject (400)'),
		    h('option', {value: 'default'}, 'default (ignored)'));
		const fields = {};
		for (const k of Object.keys(inputs))
			fields[k] = field(k, inputs[k]);
		const previewBtn = h('button', {type: 'submit', id:
		    'role-preview'}, 'Preview');
		const form = h('form', {id: 'role-change', class: 'filters'},
		    field('Change', op), Object.values(fields), previewBtn);
		const result = h('div', {id: 'role-result'});

		function showFields() {
			const want = OPS[op.value].fields;
			for (const [k, f] of Object.entries(fields))
				f.hidden = !want.includes(k);
			fill(result);
		}
		op.addEventListener('change', showFields);
		for (const i of Object.values(inputs))
			i.addEventListener('input', () =>
			    fill(result));
		showFields();

		function body() {
			const b = {op: op.value};
			for (const k of OPS[op.value].fields) {
				const v = inputs[k].value.trim();
				b[k] = op.value === 'default' && v === '' ? null :
				    v;
			}
			return b;
		}

		/* Fill the form with a change and preview it. */
		function propose(b) {
			op.value = b.op;
			showFields();
			for (const k of OPS[b.op].fields)
				inputs[k].value = b[k] || '';
			form.requestSubmit();
		}

		async function load() {
			try {
				const d = await api('GET', tpath(tenant, 'roles'));
				if (!C.current(my))
					return;
				fill(settings,
				    facts('role-settings', [
					['Source', d.source],
					['Default', d.default === null ? 'none' :
					    d.default],
					['Unknown values', d.unknown === 'reject' ?
					    'reject (400)' : 'default (ignored)']]),
				    table('mappings', [['Kind'], ['Incoming'],
					['Application role'], ['Holders', 'num'],
					['']], d.mappings.map((m) => {
					const un = h('button', {type: 'button',
					    class: 'unmap danger'}, 'Unmap…');
					un.addEventListener('click', () => propose(
					    m.kind === 'group' ? {op: 'unmap-group',
					    group: m.value} : {op: 'unmap',
					    value: m.value}));
					return h('tr', {'data-kind': m.kind,
					    'data-value': m.value, 'data-role':
					    m.role}, td(m.kind === 'group' ?
					    'group' : 'value', 'kind'),
					    td(m.value, 'value'), td(m.role, 'role'),
					    td(m.users, 'num holders'),
					    h('td', {class: 'actions'}, un));
				    }), 'No mappings: roles are the incoming ' +
				    'values as they are.'),
				    d.more ? h('p', {class: 'muted'}, 'Only the ' +
				    'first mappings.') : null);
			} catch (e) {
				showError(settings, e);
			}
		}

		function previewOf(b, p) {
			const rows = p.users.map((u) => h('tr',
			    {'data-id': u.id}, td(u.userName, 'username'),
			    td(roleList(u.before), 'before'),
			    td(roleList(u.after), 'after')));
			const save = h('button', {type: 'button', id:
			    'role-save', class: 'confirm'}, 'Save');
			const cancel = h('button', {type: 'button'}, 'Cancel');
			cancel.addEventListener('click', () =>
			    fill(result));
			save.addEventListener('click', async () => {
				save.disabled = cancel.disabled = true;
				try {
					const d = await api('POST', tpath(tenant,
					    'roles'), b);
					fill(result, alertBox('Saved: ' +
					    count(d.changed, 'user') + '\'s roles ' +
					    'changed (' + d.recomputed +
					    ' recomputed)' + (d.appliesLater ?
					    '; it applies to later requests.' : '.'),
					    'ok'));
					await load();
				} catch (e) {
					showError(result, e);
				}
			});
			return h('div', {class: 'preview card'},
			    h('p', {id: 'role-affected', 'data-affected':
				p.affected}, h('strong', {},
				p.affected === 1 ? '1 user\'s roles would ' +
				'change' : p.affected + ' users\' roles would ' +
				'change'), ' (of ' + count(p.recomputed,
				'user') + ' recomputed)' + (p.appliesLater ?
				'; the change applies to later requests.' :
				'.')),
			    rows.length ? table('role-users', [['userName'],
				['Before'], ['After']], rows) : null,
			    p.affected > rows.length ? h('p', {class: 'muted'},
				'The first ' + rows.length + ' shown.') : null,
			    h('p', {}, save, ' ', cancel));
		}

		form.addEventListener('submit', async (ev) => {
			ev.preventDefault();
			const b = body();
			previewBtn.disabled = true;
			fill(result, h('p', {class: 'muted'},
			    'Previewing…'));
			try {
				const p = await api('POST', tpath(tenant, 'roles',
				    'preview'), b);
				fill(result, previewOf(b, p));
			} catch (e) {
				showError(result, e);
			} finally {
				previewBtn.disabled = false;
			}
		});

		fill(C.main, heading('Roles of', tenant), settings,
		    h('section', {class: 'card'}, h('h2', {},
			'Change the roles'), h('p', {class: 'muted'}, 'A change ' +
			'is previewed first: the users whose application roles ' +
			'it would change, before anything is saved.'),
			form, result));
		await load();
	}

	C.page('roles', pageRoles);
})();
