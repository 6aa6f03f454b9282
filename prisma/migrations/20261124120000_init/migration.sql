-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('admin', 'supervisor', 'agent');

-- CreateEnum
CREATE TYPE "Presence" AS ENUM ('online', 'paused', 'offline');

-- CreateEnum
CREATE TYPE "QueueStrategy" AS ENUM ('beepall', 'rrmemory', 'leastrecent', 'fewestcalls', 'random');

-- CreateEnum
CREATE TYPE "MailService" AS ENUM ('custom', 'gmail', 'yahoo', 'hotmail', 'outlook365');

-- CreateEnum
CREATE TYPE "InteractionStatus" AS ENUM ('open', 'closed');

-- CreateEnum
CREATE TYPE "MessageDirection" AS ENUM ('inbound', 'outbound', 'note');

-- CreateEnum
CREATE TYPE "OfferState" AS ENUM ('pending', 'accepted', 'rejected', 'timeout', 'canceled', 'rescinded');

-- CreateEnum
CREATE TYPE "OutboundKind" AS ENUM ('reply', 'forward', 'autoreply', 'transfer');

-- CreateEnum
CREATE TYPE "OutboundStatus" AS ENUM ('queued', 'sending', 'sent', 'failed', 'uncertain');

-- CreateTable
CREATE TABLE "GlobalSetting" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "loginMailFrequencySeconds" INTEGER NOT NULL DEFAULT 60,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "GlobalSetting_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'agent',
    "passwordHash" TEXT,
    "presence" "Presence" NOT NULL DEFAULT 'offline',
    "pauseStatusId" INTEGER,
    "capacity" INTEGER NOT NULL DEFAULT 1,
    "lastOfferAt" TIMESTAMP(3),
    "handledCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" SERIAL NOT NULL,
    "userId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PauseStatus" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,

    CONSTRAINT "PauseStatus_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ContactList" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "ContactList_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Contact" (
    "id" SERIAL NOT NULL,
    "listId" INTEGER NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Contact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EmailAccount" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "emailAddress" TEXT NOT NULL,
    "contactListId" INTEGER,
    "active" BOOLEAN NOT NULL DEFAULT false,
    "description" TEXT,
    "service" "MailService" NOT NULL DEFAULT 'custom',
    "imapHost" TEXT,
    "imapPort" INTEGER NOT NULL DEFAULT 993,
    "imapSsl" BOOLEAN NOT NULL DEFAULT true,
    "imapAuth" BOOLEAN NOT NULL DEFAULT true,
    "imapUsername" TEXT,
    "imapPasswordEnc" TEXT,
    "mailbox" TEXT NOT NULL DEFAULT 'INBOX',
    "connectionTimeoutSeconds" INTEGER NOT NULL DEFAULT 10,
    "authTimeoutSeconds" INTEGER NOT NULL DEFAULT 5,
    "smtpHost" TEXT,
    "smtpPort" INTEGER NOT NULL DEFAULT 465,
    "smtpSecure" BOOLEAN NOT NULL DEFAULT true,
    "smtpAuth" BOOLEAN NOT NULL DEFAULT true,
    "smtpUsername" TEXT,
    "smtpPasswordEnc" TEXT,
    "oauth2" JSONB,
    "oauth2SecretEnc" TEXT,
    "markAsUnread" BOOLEAN NOT NULL DEFAULT false,
    "waitForAssignedAgentSeconds" INTEGER NOT NULL DEFAULT 10,
    "waitForAssignedQueueSeconds" INTEGER NOT NULL DEFAULT 10,
    "headersFilter" JSONB NOT NULL DEFAULT '[]',
    "includeMessageOnForward" BOOLEAN NOT NULL DEFAULT false,
    "disableDuplicateCheck" BOOLEAN NOT NULL DEFAULT false,
    "transferEnabled" BOOLEAN NOT NULL DEFAULT false,
    "transferToAgent" BOOLEAN NOT NULL DEFAULT true,
    "transferToQueue" BOOLEAN NOT NULL DEFAULT true,
    "transferToAccount" BOOLEAN NOT NULL DEFAULT false,
    "transferTimeoutSeconds" INTEGER NOT NULL DEFAULT 30,
    "transferTemplate" TEXT,
    "mandatoryDisposition" BOOLEAN NOT NULL DEFAULT false,
    "dispositionPauseStatusId" INTEGER,
    "bodyTemplate" JSONB,
    "notificationSound" BOOLEAN NOT NULL DEFAULT true,
    "notificationShake" BOOLEAN NOT NULL DEFAULT false,
    "notificationTemplate" TEXT,
    "assistant" TEXT,
    "hostname" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EmailAccount_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Queue" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "strategy" "QueueStrategy" NOT NULL DEFAULT 'beepall',
    "offerTimeoutSeconds" INTEGER NOT NULL DEFAULT 30,
    "rrPosition" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Queue_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QueueMember" (
    "queueId" INTEGER NOT NULL,
    "userId" INTEGER NOT NULL,
    "weight" INTEGER NOT NULL DEFAULT 0,
    "priority" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "QueueMember_pkey" PRIMARY KEY ("queueId","userId")
);

-- CreateTable
CREATE TABLE "AccountAgent" (
    "accountId" INTEGER NOT NULL,
    "userId" INTEGER NOT NULL,

    CONSTRAINT "AccountAgent_pkey" PRIMARY KEY ("accountId","userId")
);

-- CreateTable
CREATE TABLE "AccountQueue" (
    "accountId" INTEGER NOT NULL,
    "queueId" INTEGER NOT NULL,

    CONSTRAINT "AccountQueue_pkey" PRIMARY KEY ("accountId","queueId")
);

-- CreateTable
CREATE TABLE "Disposition" (
    "id" SERIAL NOT NULL,
    "accountId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "level" INTEGER NOT NULL DEFAULT 1,
    "parentId" INTEGER,

    CONSTRAINT "Disposition_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CannedAnswer" (
    "id" SERIAL NOT NULL,
    "accountId" INTEGER,
    "name" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CannedAnswer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ActionPlanVersion" (
    "id" SERIAL NOT NULL,
    "accountId" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "steps" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ActionPlanVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MailboxState" (
    "accountId" INTEGER NOT NULL,
    "mailbox" TEXT NOT NULL,
    "uidValidity" BIGINT,
    "lastUid" BIGINT NOT NULL DEFAULT 0,
    "highestModseq" BIGINT,
    "connected" BOOLEAN NOT NULL DEFAULT false,
    "lastError" TEXT,
    "lastSeenAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MailboxState_pkey" PRIMARY KEY ("accountId","mailbox")
);

-- CreateTable
CREATE TABLE "Blob" (
    "sha256" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Blob_pkey" PRIMARY KEY ("sha256")
);

-- CreateTable
CREATE TABLE "Interaction" (
    "id" SERIAL NOT NULL,
    "accountId" INTEGER NOT NULL,
    "subject" TEXT NOT NULL DEFAULT '',
    "customerEmail" TEXT NOT NULL,
    "customerName" TEXT,
    "contactId" INTEGER,
    "status" "InteractionStatus" NOT NULL DEFAULT 'open',
    "read" BOOLEAN NOT NULL DEFAULT false,
    "agentId" INTEGER,
    "queueId" INTEGER,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "dispositionId" INTEGER,
    "routingState" TEXT NOT NULL DEFAULT 'new',
    "routingWorkflowId" TEXT,
    "closedAt" TIMESTAMP(3),
    "lastMessageAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Interaction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Message" (
    "id" SERIAL NOT NULL,
    "interactionId" INTEGER NOT NULL,
    "accountId" INTEGER NOT NULL,
    "direction" "MessageDirection" NOT NULL,
    "mailbox" TEXT,
    "uidValidity" BIGINT,
    "uid" BIGINT,
    "messageIdHeader" TEXT,
    "inReplyTo" TEXT,
    "references" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "fromAddress" TEXT,
    "fromName" TEXT,
    "toAddresses" JSONB NOT NULL DEFAULT '[]',
    "ccAddresses" JSONB NOT NULL DEFAULT '[]',
    "headers" JSONB NOT NULL DEFAULT '{}',
    "subject" TEXT NOT NULL DEFAULT '',
    "text" TEXT,
    "html" TEXT,
    "rawSha256" TEXT,
    "sizeBytes" INTEGER NOT NULL DEFAULT 0,
    "authorId" INTEGER,
    "workflowId" TEXT,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Attachment" (
    "id" SERIAL NOT NULL,
    "messageId" INTEGER NOT NULL,
    "filename" TEXT,
    "contentType" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "contentId" TEXT,
    "inline" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "Attachment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Offer" (
    "id" SERIAL NOT NULL,
    "interactionId" INTEGER NOT NULL,
    "messageId" INTEGER NOT NULL,
    "userId" INTEGER NOT NULL,
    "workflowId" TEXT NOT NULL,
    "reservation" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "queueId" INTEGER,
    "state" "OfferState" NOT NULL DEFAULT 'pending',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "respondedAt" TIMESTAMP(3),

    CONSTRAINT "Offer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RoutingEvent" (
    "id" SERIAL NOT NULL,
    "interactionId" INTEGER NOT NULL,
    "messageId" INTEGER,
    "workflowId" TEXT,
    "type" TEXT NOT NULL,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RoutingEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OutboundEmail" (
    "id" SERIAL NOT NULL,
    "interactionId" INTEGER NOT NULL,
    "accountId" INTEGER NOT NULL,
    "kind" "OutboundKind" NOT NULL,
    "authorId" INTEGER,
    "messageIdHeader" TEXT NOT NULL,
    "status" "OutboundStatus" NOT NULL DEFAULT 'queued',
    "envelope" JSONB NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "dataStartedAt" TIMESTAMP(3),
    "sentAt" TIMESTAMP(3),
    "smtpResponse" TEXT,
    "error" TEXT,
    "sentMessageId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OutboundEmail_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QuarantinedEmail" (
    "id" SERIAL NOT NULL,
    "accountId" INTEGER NOT NULL,
    "mailbox" TEXT NOT NULL,
    "uidValidity" BIGINT NOT NULL,
    "uid" BIGINT NOT NULL,
    "reason" TEXT NOT NULL,
    "rawSha256" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reingestedAt" TIMESTAMP(3),

    CONSTRAINT "QuarantinedEmail_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" SERIAL NOT NULL,
    "actorId" INTEGER,
    "action" TEXT NOT NULL,
    "entity" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");

-- CreateIndex
CREATE INDEX "ApiToken_userId_idx" ON "ApiToken"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "PauseStatus_name_key" ON "PauseStatus"("name");

-- CreateIndex
CREATE UNIQUE INDEX "ContactList_name_key" ON "ContactList"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Contact_listId_email_key" ON "Contact"("listId", "email");

-- CreateIndex
CREATE UNIQUE INDEX "EmailAccount_key_key" ON "EmailAccount"("key");

-- CreateIndex
CREATE UNIQUE INDEX "Queue_name_key" ON "Queue"("name");

-- CreateIndex
CREATE INDEX "QueueMember_userId_idx" ON "QueueMember"("userId");

-- CreateIndex
CREATE INDEX "AccountAgent_userId_idx" ON "AccountAgent"("userId");

-- CreateIndex
CREATE INDEX "AccountQueue_queueId_idx" ON "AccountQueue"("queueId");

-- CreateIndex
CREATE UNIQUE INDEX "Disposition_accountId_parentId_name_key" ON "Disposition"("accountId", "parentId", "name");

-- CreateIndex
CREATE INDEX "CannedAnswer_accountId_idx" ON "CannedAnswer"("accountId");

-- CreateIndex
CREATE UNIQUE INDEX "ActionPlanVersion_accountId_version_key" ON "ActionPlanVersion"("accountId", "version");

-- CreateIndex
CREATE INDEX "Interaction_accountId_createdAt_idx" ON "Interaction"("accountId", "createdAt");

-- CreateIndex
CREATE INDEX "Interaction_agentId_status_idx" ON "Interaction"("agentId", "status");

-- CreateIndex
CREATE INDEX "Message_accountId_messageIdHeader_idx" ON "Message"("accountId", "messageIdHeader");

-- CreateIndex
CREATE INDEX "Message_interactionId_idx" ON "Message"("interactionId");

-- CreateIndex
CREATE UNIQUE INDEX "Message_accountId_mailbox_uidValidity_uid_key" ON "Message"("accountId", "mailbox", "uidValidity", "uid");

-- CreateIndex
CREATE INDEX "Attachment_messageId_idx" ON "Attachment"("messageId");

-- CreateIndex
CREATE INDEX "Offer_userId_state_idx" ON "Offer"("userId", "state");

-- CreateIndex
CREATE INDEX "Offer_interactionId_idx" ON "Offer"("interactionId");

-- CreateIndex
CREATE UNIQUE INDEX "Offer_workflowId_reservation_key" ON "Offer"("workflowId", "reservation");

-- CreateIndex
CREATE INDEX "RoutingEvent_interactionId_id_idx" ON "RoutingEvent"("interactionId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "OutboundEmail_messageIdHeader_key" ON "OutboundEmail"("messageIdHeader");

-- CreateIndex
CREATE INDEX "OutboundEmail_interactionId_idx" ON "OutboundEmail"("interactionId");

-- CreateIndex
CREATE UNIQUE INDEX "QuarantinedEmail_accountId_mailbox_uidValidity_uid_key" ON "QuarantinedEmail"("accountId", "mailbox", "uidValidity", "uid");

-- CreateIndex
CREATE INDEX "AuditLog_entity_entityId_idx" ON "AuditLog"("entity", "entityId");

-- AddForeignKey
ALTER TABLE "User" ADD CONSTRAINT "User_pauseStatusId_fkey" FOREIGN KEY ("pauseStatusId") REFERENCES "PauseStatus"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Contact" ADD CONSTRAINT "Contact_listId_fkey" FOREIGN KEY ("listId") REFERENCES "ContactList"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EmailAccount" ADD CONSTRAINT "EmailAccount_contactListId_fkey" FOREIGN KEY ("contactListId") REFERENCES "ContactList"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "QueueMember" ADD CONSTRAINT "QueueMember_queueId_fkey" FOREIGN KEY ("queueId") REFERENCES "Queue"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "QueueMember" ADD CONSTRAINT "QueueMember_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccountAgent" ADD CONSTRAINT "AccountAgent_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "EmailAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccountAgent" ADD CONSTRAINT "AccountAgent_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccountQueue" ADD CONSTRAINT "AccountQueue_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "EmailAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccountQueue" ADD CONSTRAINT "AccountQueue_queueId_fkey" FOREIGN KEY ("queueId") REFERENCES "Queue"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Disposition" ADD CONSTRAINT "Disposition_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "EmailAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Disposition" ADD CONSTRAINT "Disposition_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "Disposition"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CannedAnswer" ADD CONSTRAINT "CannedAnswer_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "EmailAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ActionPlanVersion" ADD CONSTRAINT "ActionPlanVersion_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "EmailAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MailboxState" ADD CONSTRAINT "MailboxState_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "EmailAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Interaction" ADD CONSTRAINT "Interaction_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "EmailAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Interaction" ADD CONSTRAINT "Interaction_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Interaction" ADD CONSTRAINT "Interaction_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Interaction" ADD CONSTRAINT "Interaction_queueId_fkey" FOREIGN KEY ("queueId") REFERENCES "Queue"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Interaction" ADD CONSTRAINT "Interaction_dispositionId_fkey" FOREIGN KEY ("dispositionId") REFERENCES "Disposition"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Message" ADD CONSTRAINT "Message_interactionId_fkey" FOREIGN KEY ("interactionId") REFERENCES "Interaction"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Message" ADD CONSTRAINT "Message_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "EmailAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Message" ADD CONSTRAINT "Message_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Attachment" ADD CONSTRAINT "Attachment_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Offer" ADD CONSTRAINT "Offer_interactionId_fkey" FOREIGN KEY ("interactionId") REFERENCES "Interaction"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Offer" ADD CONSTRAINT "Offer_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RoutingEvent" ADD CONSTRAINT "RoutingEvent_interactionId_fkey" FOREIGN KEY ("interactionId") REFERENCES "Interaction"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OutboundEmail" ADD CONSTRAINT "OutboundEmail_interactionId_fkey" FOREIGN KEY ("interactionId") REFERENCES "Interaction"("id") ON DELETE CASCADE ON UPDATE CASCADE;

