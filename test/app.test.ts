import { describe, expect, it } from 'vitest';
import { createApp } from '../src/api/app.ts';

describe('http app', () => {
  it('answers /healthz', async () => {
    const res = await createApp().request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers 404 for an unknown path', async () => {
    const res = await createApp().request('/no-such-route');
    expect(res.status).toBe(404);
  });
});
