-- OAuth2 sign-ins under way (authorization code with PKCE): single use, short-lived, bound to a session and browser.
CREATE TABLE "OAuth2Authorization" (
    "id" SERIAL NOT NULL,
    "stateHash" TEXT NOT NULL,
    "browserHash" TEXT NOT NULL,
    "sessionHash" TEXT NOT NULL,
    "userId" INTEGER NOT NULL,
    "accountId" INTEGER NOT NULL,
    "verifierEnc" TEXT NOT NULL,
    "redirectUri" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),

    CONSTRAINT "OAuth2Authorization_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "OAuth2Authorization_stateHash_key" ON "OAuth2Authorization"("stateHash");
CREATE INDEX "OAuth2Authorization_expiresAt_idx" ON "OAuth2Authorization"("expiresAt");
CREATE INDEX "OAuth2Authorization_browserHash_idx" ON "OAuth2Authorization"("browserHash");
