/** Global settings: one row (id 1), created with its defaults on first use. */
import type { Database } from './db';

export interface GlobalSettingsRow {
  loginMailFrequencySeconds: number;
  updatedAt: Date;
}

const settingsFields = { loginMailFrequencySeconds: true, updatedAt: true } as const;

export function createSettingsStore(db: Database) {
  return {
    read(): Promise<GlobalSettingsRow> {
      return db.globalSetting.upsert({ where: { id: 1 }, create: { id: 1 }, update: {}, select: settingsFields });
    },

    update(columns: { loginMailFrequencySeconds?: number }): Promise<GlobalSettingsRow> {
      return db.globalSetting.update({ where: { id: 1 }, data: columns, select: settingsFields });
    },
  };
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;
