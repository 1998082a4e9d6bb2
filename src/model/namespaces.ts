/** HUD's HMIS OWL namespace: every term Hearth can take from HUD's ontology uses it. */
export const HMIS = 'urn:hud:hmis:owl#';
/** Hearth's own namespace, for terms HUD's ontology does not define (listed in ontology/README.md). */
export const HEARTH = 'https://w3id.org/hearth/ns#';
