/** Global settings: one row, created with its defaults on first use. */
import type { RouterContext } from '../deps';
import { checkIfMatch, etagOf } from '../http';
import { presentSettings } from '../presenters';
import { settingsSchema, settingsUpdateSchema } from '../schemas/settings';

const tags = ['Settings'];

export function registerSettingsRoutes({ route, store }: RouterContext): void {
  route(
    {
      method: 'get',
      path: '/settings',
      summary: 'Global settings (ETag: updatedAt)',
      tags,
      roles: ['admin', 'supervisor'],
      response: settingsSchema,
    },
    async ({ response }) => {
      const row = await store.settings.read();
      response.setHeader('ETag', etagOf(row.updatedAt));
      return presentSettings(row);
    },
  );

  route(
    {
      method: 'patch',
      path: '/settings',
      summary: 'Change global settings: login mail frequency (polling interval for servers without IDLE)',
      tags,
      roles: ['admin'],
      body: settingsUpdateSchema,
      ifMatch: true,
      response: settingsSchema,
    },
    async ({ body, request, response }) => {
      const current = await store.settings.read();
      checkIfMatch(request, current.updatedAt, 'the settings');
      const row = await store.settings.update(body);
      response.setHeader('ETag', etagOf(row.updatedAt));
      return presentSettings(row);
    },
  );
}
