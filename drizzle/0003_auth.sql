CREATE TABLE "edge_auth_experiment_permissions" (
	"id" serial NOT NULL,
	"experiment_id" varchar(255) NOT NULL,
	"user_id" integer NOT NULL,
	"permission" varchar(255) NOT NULL,
	CONSTRAINT "edge_auth_experiment_permissions_pk" PRIMARY KEY("id"),
	CONSTRAINT "edge_auth_experiment_permissions_uq" UNIQUE("experiment_id","user_id"),
	CONSTRAINT "edge_auth_experiment_permissions_ck" CHECK ("edge_auth_experiment_permissions"."permission" IN ('READ', 'USE', 'EDIT', 'MANAGE', 'NO_PERMISSIONS'))
);
--> statement-breakpoint
CREATE TABLE "edge_auth_registered_model_permissions" (
	"id" serial NOT NULL,
	"name" varchar(255) NOT NULL,
	"user_id" integer NOT NULL,
	"permission" varchar(255) NOT NULL,
	CONSTRAINT "edge_auth_registered_model_permissions_pk" PRIMARY KEY("id"),
	CONSTRAINT "edge_auth_registered_model_permissions_uq" UNIQUE("name","user_id"),
	CONSTRAINT "edge_auth_registered_model_permissions_ck" CHECK ("edge_auth_registered_model_permissions"."permission" IN ('READ', 'USE', 'EDIT', 'MANAGE', 'NO_PERMISSIONS'))
);
--> statement-breakpoint
CREATE TABLE "edge_auth_tokens" (
	"id" serial NOT NULL,
	"user_id" integer NOT NULL,
	"name" varchar(255) NOT NULL,
	"token_hash" varchar(64) NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint,
	"revoked_at" bigint,
	CONSTRAINT "edge_auth_tokens_pk" PRIMARY KEY("id"),
	CONSTRAINT "edge_auth_tokens_hash_uq" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "edge_auth_users" (
	"id" serial NOT NULL,
	"username" varchar(255) NOT NULL,
	"password_hash" varchar(255),
	"is_admin" boolean DEFAULT false NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "edge_auth_users_pk" PRIMARY KEY("id"),
	CONSTRAINT "edge_auth_users_username_uq" UNIQUE("username")
);
--> statement-breakpoint
ALTER TABLE "edge_auth_experiment_permissions" ADD CONSTRAINT "edge_auth_experiment_permissions_user_fk" FOREIGN KEY ("user_id") REFERENCES "public"."edge_auth_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "edge_auth_registered_model_permissions" ADD CONSTRAINT "edge_auth_registered_model_permissions_user_fk" FOREIGN KEY ("user_id") REFERENCES "public"."edge_auth_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "edge_auth_tokens" ADD CONSTRAINT "edge_auth_tokens_user_fk" FOREIGN KEY ("user_id") REFERENCES "public"."edge_auth_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "edge_auth_tokens_user_idx" ON "edge_auth_tokens" USING btree ("user_id");