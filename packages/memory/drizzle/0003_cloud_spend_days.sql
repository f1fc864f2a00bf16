CREATE TABLE "cloud_spend_days" (
	"author_id" text NOT NULL,
	"day" date NOT NULL,
	"committed_usd" numeric(18, 10) NOT NULL,
	CONSTRAINT "cloud_spend_days_pk" PRIMARY KEY("author_id","day")
);
