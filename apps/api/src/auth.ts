import type { FastifyRequest } from 'fastify';
import { errors, jwtVerify, SignJWT } from 'jose';
import { problem } from './problems.ts';

export const ADMIN_ROLE = 'admin';

export interface Authenticator {
  /** preHandler for admin routes: 401 without a valid token, 403 when the token is not an admin's. */
  requireAdmin(request: FastifyRequest): Promise<void>;
  /** true when the request carries a valid admin token; never throws (for routes that show more to admins). */
  isAdmin(request: FastifyRequest): Promise<boolean>;
}

/** Admin authentication: HS256 JWTs signed with JWT_SECRET, `sub` the user id, `role: "admin"`. */
export function createAuthenticator(jwtSecret: string): Authenticator {
  const key = new TextEncoder().encode(jwtSecret);

  async function verify(request: FastifyRequest): Promise<{ sub: string; role: unknown }> {
    const header = request.headers.authorization;
    if (!header) throw problem.unauthorized('this route needs an admin token: Authorization: Bearer <jwt>');
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw problem.unauthorized('the Authorization header must be "Bearer <jwt>"');
    try {
      const { payload } = await jwtVerify(match[1]!, key, { algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string' || !payload.sub) throw problem.unauthorized('the token has no subject (sub)');
      return { sub: payload.sub, role: payload.role };
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw problem.unauthorized('the token has expired');
      if (error instanceof errors.JOSEError) throw problem.unauthorized('the token is invalid');
      throw error;
    }
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

/** Mints an admin token (tests, the dev CLI `admin-token`, the local stack). */
export async function signAdminToken(
  jwtSecret: string,
  options: { sub?: string; role?: string; expiresIn?: string } = {},
): Promise<string> {
  return new SignJWT({ role: options.role ?? ADMIN_ROLE })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(options.sub ?? 'admin')
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '12h')
    .sign(new TextEncoder().encode(jwtSecret));
}
