/** SPARQL and serve settings from the environment: defaults, and a clear refusal of every bad value. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, SPARQL_DEFAULTS } from '../../src/config.ts';
import { endpointsFrom } from '../../src/store/remote-client.ts';

describe('SPARQL settings', () => {
  it('defaults: 30 s, 100,000 rows, 64 MiB, 100 KB, no salt, the embedded store', () => {
    const config = loadConfig({});
    expect(config.sparql).toEqual(SPARQL_DEFAULTS);
    expect(config.store).toBe('embedded');
  });
  it('reads every limit, the salt and the store', () => {
    const config = loadConfig({
      HEARTH_SPARQL_TIMEOUT_MS: '5000',
      HEARTH_SPARQL_MAX_ROWS: '10',
      HEARTH_SPARQL_MAX_RESULT_BYTES: '1000',
      HEARTH_SPARQL_MAX_QUERY_BYTES: '2000',
      HEARTH_RESEARCH_SALT: 'a-long-enough-secret-salt',
      HEARTH_STORE: 'sparql+http://127.0.0.1:8890/sparql',
    });
    expect(config.sparql).toEqual({
      timeoutMs: 5000,
      maxRows: 10,
      maxResultBytes: 1000,
      maxQueryBytes: 2000,
      researchSalt: 'a-long-enough-secret-salt',
    });
    expect(config.store).toBe('sparql+http://127.0.0.1:8890/sparql');
  });
  it('refuses bad values, naming the setting', () => {
    for (const [name, value] of [
      ['HEARTH_SPARQL_TIMEOUT_MS', 'soon'],
      ['HEARTH_SPARQL_TIMEOUT_MS', '-1'],
      ['HEARTH_SPARQL_MAX_ROWS', '0'],
      ['HEARTH_SPARQL_MAX_RESULT_BYTES', '1.5'],
      ['HEARTH_SPARQL_MAX_QUERY_BYTES', '1e99'],
      ['HEARTH_RESEARCH_SALT', 'short'],
      ['HEARTH_STORE', 'ftp://example.org/sparql'],
      ['HEARTH_STORE', 'sparql+http://host/sp arql'],
      ['HEARTH_STORE', 'sparql+http://host/<x>'],
    ]) {
      expect(() => loadConfig({ [name as string]: value }), `${name}=${value}`).toThrow(ConfigError);
      expect(() => loadConfig({ [name as string]: value })).toThrow(name as string);
    }
  });
});

describe('endpoints of HEARTH_STORE', () => {
  it('Virtuoso: update at the query URL, the Graph Store at /sparql-graph-crud', () => {
    expect(endpointsFrom('sparql+http://127.0.0.1:8890/sparql')).toEqual({
      query: 'http://127.0.0.1:8890/sparql',
      update: 'http://127.0.0.1:8890/sparql',
      graphStore: 'http://127.0.0.1:8890/sparql-graph-crud',
    });
  });
  it('Fuseki and GraphDB: update and gsp given as paths', () => {
    expect(endpointsFrom('sparql+http://h:3030/hearth/query?update=/hearth/update&gsp=/hearth/data')).toEqual(
      {
        query: 'http://h:3030/hearth/query',
        update: 'http://h:3030/hearth/update',
        graphStore: 'http://h:3030/hearth/data',
      },
    );
    expect(
      endpointsFrom(
        'sparql+https://g:7200/repositories/r?update=/repositories/r/statements&gsp=/repositories/r/rdf-graphs/service',
      ),
    ).toEqual({
      query: 'https://g:7200/repositories/r',
      update: 'https://g:7200/repositories/r/statements',
      graphStore: 'https://g:7200/repositories/r/rdf-graphs/service',
    });
  });
  it('credentials in the user info become a Basic header and leave the URLs', () => {
    const endpoints = endpointsFrom(
      'sparql+https://hearth:s%40cret@h:3030/hearth/query?update=/hearth/update',
    );
    expect(endpoints.query).toBe('https://h:3030/hearth/query');
    expect(endpoints.update).toBe('https://h:3030/hearth/update');
    expect(endpoints.authorization).toBe(`Basic ${Buffer.from('hearth:s@cret').toString('base64')}`);
    expect(JSON.stringify(endpoints)).not.toContain('s%40cret');
  });
  it('a refused HEARTH_STORE is not echoed with its password', () => {
    expect(() => loadConfig({ HEARTH_STORE: 'sparql+http://u:topsecret@h/sp arql' })).toThrow(/\/\/\*\*\*@h/);
    expect(() => loadConfig({ HEARTH_STORE: 'sparql+http://u:topsecret@h/sp arql' })).not.toThrow(
      /topsecret/,
    );
  });
  it('refuses anything but sparql+http(s)', () => {
    expect(() => endpointsFrom('http://h/sparql')).toThrow(/sparql\+http/);
  });
});

describe('HEARTH_HEAP_GROWING_PERCENT', () => {
  it('defaults to 50, takes 0 (V8 decides) and whole numbers, refuses the rest naming the setting', () => {
    expect(loadConfig({}).heapGrowingPercent).toBe(50);
    expect(loadConfig({ HEARTH_HEAP_GROWING_PERCENT: '0' }).heapGrowingPercent).toBe(0);
    expect(loadConfig({ HEARTH_HEAP_GROWING_PERCENT: '120' }).heapGrowingPercent).toBe(120);
    for (const bad of ['-1', '1.5', 'half'])
      expect(() => loadConfig({ HEARTH_HEAP_GROWING_PERCENT: bad })).toThrow(/HEARTH_HEAP_GROWING_PERCENT/);
  });
});
