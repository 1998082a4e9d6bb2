/** Who is calling: the result of authentication, the input of every access decision. */
export const ROLES = ['admin', 'caseworker', 'integrator', 'researcher', 'health-system'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  readonly name: string;
  readonly role: Role;
  /** Project scope: when set, the principal sees clients only through enrollments in these projects. */
  readonly projects?: ReadonlySet<string>;
  /** Organization scope: the projects of these organizations. */
  readonly orgs?: ReadonlySet<string>;
}
