import type { BackupFormat } from '../../backups/backupEntry.js';

/** The formats a backup may take, the form's choices in this order (custom first: the default). */
export const BACKUP_FORMATS = ['custom', 'directory', 'plain'] as const satisfies readonly BackupFormat[];
