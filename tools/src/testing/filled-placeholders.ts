/**
 * What an operator fills in for the placeholders new-env leaves in a staging file of this workspace's API,
 * realistic enough for the config loader's checks (URL form, secret strength).
 */
export const FILLED_PLACEHOLDERS: Readonly<Record<string, string>> = {
  DATABASE_URL: 'postgres://shop:Zt4-kQ9wLm2xR7vB@db.internal:5432/shop',
  S3_BUCKET: 'shop-staging',
  S3_ACCESS_KEY: 'AKIA4QX7ZR2MNP3KLWQE',
  S3_SECRET_KEY: 'q8Vn3Xr7Kz1Wm5Pt9Ls2Hd6Jf4Bc0Ny8Ga3Qe7U',
};
