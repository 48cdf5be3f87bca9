import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { ADVISORY_LOCKS, lockInTransaction } from '../db/advisory-lock';
import type { Database } from '../db/database';
import type { Page, PageRequest } from '../db/pagination';
import type { DbApiTokenRow } from '../db/tables';
import { Conflict, InvalidInput, NotFound } from '../domain-errors';
import type { AuditStore } from './audit-store';
import { isRole, type Actor, type Role } from './roles';
import { TokenStore } from './token-store';

const NAME_PATTERN = /^[A-Za-z0-9._-]{1,255}$/;
// A token used within this many milliseconds is not written again, so that reads stay reads.
const LAST_USED_RESOLUTION_MS = 60_000;

export type ApiToken = Omit<DbApiTokenRow, 'token_hash'>;

/** What the first start did about the admin token. */
export type BootstrapOutcome = { created: false } | { created: true; source: 'environment' } | { created: true; source: 'file'; file: string };

/** API tokens: stored as SHA-256 hashes, shown once, checked on every request. */
export class TokenService {
  private readonly changes = new EventEmitter();
  private readonly tokens: TokenStore;

  constructor(
    private readonly db: Database,
    private readonly audit: AuditStore,
  ) {
    this.tokens = new TokenStore(db);
  }

  /** The actor a bearer token stands for, or null when it is unknown. */
  async authenticate(token: string): Promise<Actor | null> {
    return this.used(await this.tokens.byHash(hashToken(token)));
  }

  /** The actor a token stands for now, by its id (a sign-in session's token), or null once it is deleted. */
  async actorOf(tokenId: string): Promise<Actor | null> {
    return this.used(await this.tokens.byId(this.db.knex, tokenId));
  }

  private async used(row: DbApiTokenRow | undefined): Promise<Actor | null> {
    if (!row) return null;
    const now = Date.now();
    if (!row.last_used_at || now - row.last_used_at.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.tokens.markUsed(row.id, new Date(now));
    }
    return { tokenId: row.id, name: row.name, role: row.role };
  }

  /** The roles of these tokens as they are now; a deleted token is missing. */
  async roles(tokenIds: readonly string[]): Promise<Map<string, Role>> {
    if (tokenIds.length === 0) return new Map();
    const rows = await this.tokens.rolesOf(tokenIds);
    return new Map(rows.map((row) => [row.id, row.role]));
  }

  /** Calls `listener` with a token's id once it has been deleted in this process. */
  onDeleted(listener: (tokenId: string) => void): void {
    this.changes.on('deleted', listener);
  }

  async create(input: { name: unknown; role: unknown }, actor: Actor): Promise<ApiToken & { token: string }> {
    const errors: Record<string, string[]> = {};
    if (typeof input.name !== 'string' || !NAME_PATTERN.test(input.name)) {
      errors['name'] = ['name must be 1 to 255 letters, digits, dots, underscores or dashes'];
    }
    if (!isRole(input.role)) errors['role'] = ['role must be one of viewer, operator, admin'];
    if (Object.keys(errors).length > 0) throw new InvalidInput(errors);
    const token = generateToken();
    const row = await this.insert(input.name as string, input.role as Role, token, actor.name, actor);
    return { ...withoutHash(row), token };
  }

  async list(page: PageRequest): Promise<Page<ApiToken>> {
    const result = await this.tokens.list(page);
    return { items: result.items.map(withoutHash), nextCursor: result.nextCursor };
  }

  /** Deletes a token; the last admin token stays, so that someone can still administer Baton. */
  async delete(id: string, actor: Actor): Promise<void> {
    await this.db.knex.transaction(async (trx) => {
      const row = await this.tokens.byId(trx, id);
      if (!row) throw new NotFound(`no token with id ${id}`);
      if (row.role === 'admin') {
        const admins = await this.tokens.lockAdmins(trx);
        if (admins.length <= 1) throw new Conflict('the last admin token cannot be deleted: create another admin token first');
      }
      await this.tokens.delete(trx, id);
      await this.audit.record(
        { actor: actor.name, action: 'token.delete', resourceType: 'token', resourceId: id, details: { name: row.name, role: row.role } },
        trx,
      );
    });
    this.changes.emit('deleted', id);
  }

  /**
   * On first start, creates the admin token: from `BATON_ADMIN_TOKEN`, or generated and written
   * to `<dataDir>/admin-token` (mode 0600). Several processes starting together create one.
   */
  async bootstrapAdmin(configured: string | null, dataDir: string): Promise<BootstrapOutcome> {
    return this.db.knex.transaction(async (trx) => {
      await lockInTransaction(trx, ADVISORY_LOCKS.bootstrap);
      if (await this.tokens.hasAdmin(trx)) return { created: false } as const;
      const token = configured ?? generateToken();
      const system: Actor = { tokenId: '', name: 'system', role: 'admin' };
      await this.insertWith(trx, 'admin', 'admin', token, 'system', system);
      if (configured !== null) return { created: true, source: 'environment' } as const;
      const file = path.join(dataDir, 'admin-token');
      fs.mkdirSync(dataDir, { recursive: true });
      fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
      fs.chmodSync(file, 0o600);
      return { created: true, source: 'file', file } as const;
    });
  }

  private async insert(name: string, role: Role, token: string, createdBy: string, actor: Actor): Promise<DbApiTokenRow> {
    return this.db.knex.transaction((trx) => this.insertWith(trx, name, role, token, createdBy, actor));
  }

  private async insertWith(
    trx: Parameters<Parameters<Database['knex']['transaction']>[0]>[0],
    name: string,
    role: Role,
    token: string,
    createdBy: string,
    actor: Actor,
  ): Promise<DbApiTokenRow> {
    const row = await this.tokens.insert(trx, { name, role, tokenHash: hashToken(token), createdBy });
    await this.audit.record({ actor: actor.name, action: 'token.create', resourceType: 'token', resourceId: row.id, details: { name, role } }, trx);
    return row;
  }
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function generateToken(): string {
  return `baton_${randomBytes(32).toString('base64url')}`;
}

function withoutHash(row: DbApiTokenRow): ApiToken {
  const { token_hash: _hash, ...rest } = row;
  return rest;
}
