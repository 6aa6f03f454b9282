/** The banner of `npm start`: every port with its variable, a moved default said, the demo's logins when it runs. */
import { startBanner, type BannerInput } from '../../scripts/services/banner';

const input: BannerInput = {
  upSeconds: 12.34,
  apiUrl: 'http://127.0.0.1:41000',
  healthUrl: 'http://127.0.0.1:3001',
  temporalAddress: '127.0.0.1:7233',
  temporalUiUrl: 'http://127.0.0.1:8233',
  adminEmail: 'admin@mailroute.local',
  adminPasswordFile: '/data/admin-password',
  ports: [
    { what: 'API and web client', env: 'PORT', port: 41000, movedFrom: 3000 },
    { what: 'Temporal', env: 'MAILROUTE_TEMPORAL_PORT', port: 7233 },
  ],
  demo: undefined,
};

describe('the npm start banner', () => {
  it('names the variable of every port, and says which default was taken', () => {
    const banner = startBanner(input);
    expect(banner).toContain('mailroute is running (up in 12.3 s)');
    expect(banner).toMatch(/API and web client\s+41000\s+PORT=41000\s+\(3000 was taken\)/);
    expect(banner).toMatch(/Temporal\s+7233\s+MAILROUTE_TEMPORAL_PORT=7233$/m);
    expect(banner).toContain('Web client     http://127.0.0.1:41000/app/');
    expect(banner).not.toContain('Demo agent');
  });

  it('lists the demo agents and where sent email goes when the demo runs', () => {
    const banner = startBanner({
      ...input,
      demo: {
        state: {
          status: 'active',
          accountId: 1,
          emailAddress: 'support@demo-shop.test',
          mailUser: { user: 'support', password: 'x' },
          agents: [{ name: 'Dana Demo', email: 'dana@demo-shop.test', password: 'demo-1' }],
        },
        ports: [],
        sentDir: '/data/demo/sent',
      },
    });
    expect(banner).toContain('Demo agent     dana@demo-shop.test / demo-1');
    expect(banner).toContain('Sent email     /data/demo/sent');
    expect(banner).toContain('npm run demo:mail');
  });
});
