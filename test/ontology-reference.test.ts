import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as $rdf from 'rdflib';
import { describe, expect, it } from 'vitest';
import { HMIS } from '../src/model/namespaces.ts';

const owlPath = fileURLToPath(
  new URL('../../shared/reference/ontology/FY2026_HMIS_Logic_Model_RDF.owl', import.meta.url),
);

describe.skipIf(!existsSync(owlPath))('HUD OWL reference', () => {
  it('defines the core classes Hearth maps CSV tables to, in the HMIS namespace', () => {
    const graph = $rdf.graph();
    $rdf.parse(readFileSync(owlPath, 'utf8'), graph, 'urn:hud:hmis:owl', 'application/rdf+xml');
    const owlClass = $rdf.sym('http://www.w3.org/2002/07/owl#Class');
    const type = $rdf.sym('http://www.w3.org/1999/02/22-rdf-syntax-ns#type');
    const classes = new Set(graph.each(undefined, type, owlClass).map((node) => node.value));
    for (const name of ['Client', 'Enrollment', 'Exit', 'Project', 'Organization']) {
      expect(classes).toContain(`${HMIS}${name}`);
    }
  });
});
