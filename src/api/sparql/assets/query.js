// The SPARQL query page: sends the query with the bearer token, renders results with textContent
// only (never HTML from the server), so no result can run script. Loaded under a CSP without
// inline scripts; the token stays in this tab's sessionStorage.

const $ = (id) => document.getElementById(id);

function setStatus(text, isError) {
  const status = $('status');
  status.textContent = text;
  status.className = isError ? 'error' : '';
}

function termText(term) {
  if (!term) return '';
  if (term.type === 'uri') return `<${term.value}>`;
  if (term.type === 'bnode') return `_:${term.value}`;
  return term.value;
}

function renderTable(json) {
  const results = $('results');
  results.replaceChildren();
  if (typeof json.boolean === 'boolean') {
    const p = document.createElement('p');
    p.textContent = `ASK: ${json.boolean}`;
    results.append(p);
    return 1;
  }
  const vars = json.head.vars;
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  for (const name of vars) {
    const th = document.createElement('th');
    th.textContent = name;
    head.append(th);
  }
  const body = table.createTBody();
  for (const binding of json.results.bindings) {
    const row = body.insertRow();
    for (const name of vars) row.insertCell().textContent = termText(binding[name]);
  }
  results.append(table);
  return json.results.bindings.length;
}

function renderText(text) {
  const pre = document.createElement('pre');
  pre.textContent = text;
  $('results').replaceChildren(pre);
}

async function run(event) {
  event.preventDefault();
  const token = $('token').value.trim();
  sessionStorage.setItem('hearth-token', token);
  setStatus('running…', false);
  const started = performance.now();
  try {
    const response = await fetch($('endpoint').value, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/sparql-query',
        Accept: 'application/sparql-results+json, text/turtle;q=0.9',
      },
      body: $('query').value,
    });
    const type = response.headers.get('content-type') || '';
    if (!response.ok) {
      const error = type.includes('json')
        ? (await response.json()).error
        : { message: await response.text() };
      $('results').replaceChildren();
      setStatus(`${response.status}: ${error.message}`, true);
      return;
    }
    const ms = Math.round(performance.now() - started);
    if (type.startsWith('application/sparql-results+json')) {
      const count = renderTable(await response.json());
      setStatus(`${count} result(s) in ${ms} ms`, false);
    } else {
      renderText(await response.text());
      setStatus(`done in ${ms} ms`, false);
    }
  } catch (error) {
    setStatus(`request failed: ${error.message}`, true);
  }
}

async function loadExamples() {
  const response = await fetch('/sparql/assets/examples.json');
  const examples = await response.json();
  const select = $('examples');
  for (const example of examples) {
    const option = document.createElement('option');
    option.value = example.query;
    option.textContent = example.title;
    select.append(option);
  }
  select.addEventListener('change', () => {
    if (select.value) $('query').value = select.value;
  });
}

document.addEventListener('DOMContentLoaded', () => {
  $('token').value = sessionStorage.getItem('hearth-token') || '';
  $('query-form').addEventListener('submit', run);
  loadExamples().catch((error) => setStatus(`examples unavailable: ${error.message}`, true));
});
