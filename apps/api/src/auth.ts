import type { FastifyRequest } from 'fastify';
import { variableMeta, type AuthConfig } from '@shopops/config';
import { decodeJwt, errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { problem } from './problems.ts';

export const ADMIN_ROLE = 'admin';
/** The claims admin tokens carry unless configured otherwise: the schema's defaults, one source. */
export const DEFAULT_JWT_ISSUER = variableMeta('JWT_ISSUER').default!;
export const DEFAULT_JWT_AUDIENCE = variableMeta('JWT_AUDIENCE').default!;

export interface Authenticator {
  /** preHandler for admin routes: 401 without a valid token, 403 when the token is not an admin's. */
  requireAdmin(request: FastifyRequest): Promise<void>;
  /** true when the request carries a valid admin token; never throws (for routes that show more to admins). */
  isAdmin(request: FastifyRequest): Promise<boolean>;
}

/** What verifying needs: config.auth, or just a secret (with the default claims and lifetime). */
export type AuthOptions = Pick<AuthConfig, 'jwtSecret'> & Partial<AuthConfig>;

const DEFAULT_MAX_LIFETIME_MS = 24 * 3_600_000;

/**
 * Admin authentication: HS256 JWTs signed with JWT_SECRET (or, during a rotation, JWT_SECRET_PREVIOUS),
 * `sub` the user id, `role: "admin"`, `iss` and `aud` as configured, and `iat` and `exp` at most
 * ADMIN_TOKEN_MAX_LIFETIME apart: a token that never expires, or lives longer, is refused.
 */
export function createAuthenticator(options: AuthOptions): Authenticator {
  const encode = (secret: string) => new TextEncoder().encode(secret);
  const keys = [options.jwtSecret, options.previousJwtSecret].filter((s): s is string => Boolean(s)).map(encode);
  const maxLifetimeS = Math.floor((options.maxTokenLifetimeMs ?? DEFAULT_MAX_LIFETIME_MS) / 1000);
  const verifyOptions = {
    algorithms: ['HS256'],
    issuer: options.issuer ?? DEFAULT_JWT_ISSUER,
    audience: options.audience ?? DEFAULT_JWT_AUDIENCE,
    requiredClaims: ['exp', 'iat'],
    // Also refuses an iat in the future, so exp - iat below bounds how long a token can be used.
    maxTokenAge: maxLifetimeS,
  };

  /** Tries the current key, then the previous one; only a signature mismatch moves on to the next key. */
  async function verifyWithAnyKey(token: string): Promise<JWTPayload> {
    for (const [index, key] of keys.entries()) {
      try {
        return (await jwtVerify(token, key, verifyOptions)).payload;
      } catch (error) {
        const last = index === keys.length - 1;
        if (!(error instanceof errors.JWSSignatureVerificationFailed) || last) throw error;
      }
    }
    throw new Error('no JWT key configured');
  }

  async function verify(request: FastifyRequest): Promise<{ sub: string; role: unknown }> {
    const header = request.headers.authorization;
    if (!header) throw problem.unauthorized('this route needs an admin token: Authorization: Bearer <jwt>');
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw problem.unauthorized('the Authorization header must be "Bearer <jwt>"');
    let payload: JWTPayload;
    try {
      payload = await verifyWithAnyKey(match[1]!);
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw problem.unauthorized('the token has expired');
      if (error instanceof errors.JWTClaimValidationFailed) throw problem.unauthorized(claimMessage(error));
      if (error instanceof errors.JOSEError) throw problem.unauthorized('the token is invalid');
      throw error;
    }
    if (payload.exp! - payload.iat! > maxLifetimeS) {
      throw problem.unauthorized(
        `the token is valid for longer than ADMIN_TOKEN_MAX_LIFETIME allows (${maxLifetimeS} s from iat to exp)`,
      );
    }
    if (typeof payload.sub !== 'string' || !payload.sub) throw problem.unauthorized('the token has no subject (sub)');
    return { sub: payload.sub, role: payload.role };
  }

  return {
    async requireAdmin(request) {
      const { sub, role } = await verify(request);
      request.userId = sub;
      if (role !== ADMIN_ROLE) throw problem.forbidden('this route is for admins; the token has no role "admin"');
    },
    async isAdmin(request) {
      try {
        const { sub, role } = await verify(request);
        request.userId = sub;
        return role === ADMIN_ROLE;
      } catch {
        return false;
      }
    },
  };
}

/** Names the claim without echoing its value: a client learns what to fix, not what we expect. */
function claimMessage(error: InstanceType<typeof errors.JWTClaimValidationFailed>): string {
  if (error.reason === 'missing') return `the token has no ${error.claim} claim`;
  if (error.claim === 'iat') return 'the token was issued in the future or too long ago';
  return `the token's ${error.claim} claim is not accepted here`;
}

export interface SignOptions {
  sub?: string;
  role?: string;
  /** A jose duration ('12h', '30m') or seconds; default 12h. */
  expiresIn?: string | number;
  issuer?: string;
  audience?: string;
}

/** Mints an admin token (tests, the dev CLI `admin-token`, the local stack) with iss, aud, iat and exp. */
export async function signAdminToken(jwtSecret: string, options: SignOptions = {}): Promise<string> {
  return new SignJWT({ role: options.role ?? ADMIN_ROLE })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(options.sub ?? 'admin')
    .setIssuer(options.issuer ?? DEFAULT_JWT_ISSUER)
    .setAudience(options.audience ?? DEFAULT_JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '12h')
    .sign(new TextEncoder().encode(jwtSecret));
}

/** Seconds from iat to exp of a token (not verified): how long it would be accepted. */
export function tokenLifetimeSeconds(token: string): number | undefined {
  const { iat, exp } = decodeJwt(token);
  return iat === undefined || exp === undefined ? undefined : exp - iat;
}
