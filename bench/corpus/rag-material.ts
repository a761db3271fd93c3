/** What the RAG conversations of the corpus are made of: the agent's prompt, document chunks, questions with answers. */

export const RAG_SYSTEM = `You are the documentation assistant of Stratus Cloud, a European cloud provider.

Answer the user's questions about Stratus products only from the documents the retrieve tool returns. Call retrieve for every new question, with a focused query; call it again with another query when the first results do not answer the question.

Rules:
- Cite the documents you used as [doc-id] after the sentence they support. Never cite a document you did not read.
- If the documents do not contain the answer, say so and suggest where to look (the console, support). Do not use outside knowledge about other clouds.
- Quote limits, prices and commands exactly as the documents give them.
- Keep answers short: a paragraph, or steps when the user has to do something. Use code blocks for commands and configuration.`;

export interface RagChunk {
  id: string;
  area: string;
  source: string;
  text: string;
}

const chunk = (area: string, id: string, source: string, text: string): RagChunk => ({
  id,
  area,
  source,
  text,
});

export const RAG_CHUNKS: RagChunk[] = [
  chunk(
    'storage',
    'stor-buckets-01',
    'stratus.example/docs/object-storage/buckets',
    `Object Storage keeps data in buckets. A bucket name is unique across Stratus, 3–63 characters, lowercase letters, digits and hyphens. Each project can have up to 1,000 buckets; ask support to raise the limit. A bucket lives in one region (eu-central in Frankfurt, eu-west in Amsterdam, eu-north in Stockholm) and its data never leaves that region unless you turn replication on. Objects can be up to 5 TiB; uploads above 100 MiB should use multipart upload, which the CLI does automatically.`,
  ),
  chunk(
    'storage',
    'stor-classes-02',
    'stratus.example/docs/object-storage/storage-classes',
    `Three storage classes are offered. Standard: for data read often, €0.020 per GB-month, no retrieval fee. Cool: for data read less than once a month, €0.010 per GB-month, €0.01 per GB retrieved, minimum storage duration 30 days. Cold: for archives, €0.002 per GB-month, €0.03 per GB retrieved, restores take 1–12 hours, minimum storage duration 180 days. Deleting or moving an object before its minimum duration is charged as if it had stayed the full duration.`,
  ),
  chunk(
    'storage',
    'stor-lifecycle-03',
    'stratus.example/docs/object-storage/lifecycle',
    `Lifecycle rules move or delete objects automatically. A rule has a filter (prefix or tags) and actions: moveTo a storage class after N days, delete after N days, or abort incomplete multipart uploads after N days. Rules run once a day at 02:00 UTC; an object may stay up to 24 hours past the day a rule names. A bucket can have up to 100 rules. Rules apply to existing objects too, from the next run on. Note that moving to Cold then deleting before 180 days is charged the full minimum duration.`,
  ),
  chunk(
    'storage',
    'stor-replication-04',
    'stratus.example/docs/object-storage/replication',
    `Cross-region replication copies every new object of a bucket to a bucket in another region, usually within 15 minutes. Both buckets must have versioning enabled. Existing objects are not copied; use "stratus storage sync" for them. Deletes are replicated only if you set replicateDeletes: true. Replication traffic is billed at €0.02 per GB. The target region must be allowed by your organisation's data residency policy, otherwise the rule is rejected with ResidencyDenied.`,
  ),
  chunk(
    'storage',
    'stor-access-05',
    'stratus.example/docs/object-storage/access',
    `Access to buckets is granted with IAM roles on the project or on a single bucket: storage.viewer (list and read), storage.writer (also write and delete objects), storage.admin (also change bucket settings and lifecycle rules). Service accounts authenticate with keys that should be rotated at least every 90 days; "stratus iam keys rotate" creates a new key and keeps the old one valid for 24 hours. Public buckets are disabled by default at the organisation level.`,
  ),
  chunk(
    'storage',
    'stor-errors-06',
    'stratus.example/docs/object-storage/errors',
    `Common errors: 403 AccessDenied — the caller lacks a role on the bucket or the key has expired. 409 BucketAlreadyExists — the name is taken by another project. 400 InvalidLifecycleRule — two rules overlap with conflicting actions, or a moveTo goes from a colder to a warmer class. 429 SlowDown — more than 3,500 writes or 5,500 reads per second per prefix; spread objects over more prefixes. 503 ServiceUnavailable — retry with exponential backoff.`,
  ),
  chunk(
    'storage',
    'stor-cli-07',
    'stratus.example/docs/cli/storage',
    `CLI examples:\n\n    stratus storage buckets create team-archive --region eu-central --versioning\n    stratus storage cp ./backup.tar.gz s3://team-archive/2026/\n    stratus storage lifecycle set team-archive --file lifecycle.yaml\n    stratus storage replication enable team-archive --target eu-west/team-archive-dr\n\nThe CLI reads credentials from STRATUS_KEY_FILE or the default profile in ~/.stratus/config. Add --dry-run to see what a lifecycle file would do.`,
  ),
  chunk(
    'storage',
    'stor-quotas-08',
    'stratus.example/docs/object-storage/quotas',
    `Default quotas per project: 1,000 buckets, 500 TB stored, 100 lifecycle rules per bucket, 10 replication rules per bucket. Request higher quotas in the console under Quotas; most are approved within one business day. Egress to the internet is free for the first 1 TB per month, then €0.05 per GB. Traffic between Stratus regions is €0.02 per GB.`,
  ),
  chunk(
    'compute',
    'comp-instances-01',
    'stratus.example/docs/compute/instances',
    `Instances come in families: s (shared CPU, for development), g (general purpose, 4 GiB RAM per vCPU), m (memory optimised, 8 GiB per vCPU) and c (compute optimised, 2 GiB per vCPU). Sizes go from 2 to 96 vCPUs. An instance is billed per second with a minimum of one minute while it runs; a stopped instance pays only for its disks. The default quota is 64 vCPUs per region per project.`,
  ),
  chunk(
    'compute',
    'comp-disks-02',
    'stratus.example/docs/compute/disks',
    `Block disks are SSD (3,000 IOPS baseline, up to 16,000 with provisioned IOPS) or HDD (for throughput, 250 MB/s). Disks can be resized up while attached, never down. Snapshots are incremental and stored in Object Storage in the same region; the first snapshot is full. A disk can be attached to one instance at a time, except shared disks, which need a cluster file system.`,
  ),
  chunk(
    'compute',
    'comp-autoscale-03',
    'stratus.example/docs/compute/autoscaling',
    `Instance groups scale on CPU utilisation, requests per second from the load balancer, or a custom metric. The default cooldown is 300 seconds after a scale-out. Scale-in removes the newest instances first unless you set the policy to oldest. Health checks replace an instance after 3 failed checks 10 seconds apart. Minimum and maximum sizes are required; the maximum is limited by the project's vCPU quota.`,
  ),
  chunk(
    'compute',
    'comp-images-04',
    'stratus.example/docs/compute/images',
    `Public images: Debian 12, Ubuntu 24.04 LTS, Rocky Linux 9, Windows Server 2022 (licence billed per second). Custom images can be created from a disk or imported from QCOW2, VMDK or RAW up to 2 TB. Images are regional; copy one to another region with "stratus compute images copy". Images older than 2 years are marked deprecated and can no longer start new instances after 30 days' notice.`,
  ),
  chunk(
    'compute',
    'comp-network-05',
    'stratus.example/docs/compute/network',
    `Each project has a default VPC with one subnet per region. Security groups are stateful and deny all inbound traffic by default; add rules for the ports you need. Public IPv4 addresses cost €0.004 per hour; IPv6 is free. A NAT gateway lets private instances reach the internet for €0.045 per hour plus €0.045 per GB processed.`,
  ),
  chunk(
    'compute',
    'comp-errors-06',
    'stratus.example/docs/compute/errors',
    `Errors when creating instances: QuotaExceeded — the region's vCPU quota would be exceeded; stop instances or request more. ZoneResourcePoolExhausted — the zone has no capacity for that size right now; try another zone or a smaller size. ImageDeprecated — the image can no longer be used for new instances. InvalidSecurityGroup — the group belongs to another VPC.`,
  ),
  chunk(
    'compute',
    'comp-cli-07',
    'stratus.example/docs/cli/compute',
    `CLI examples:\n\n    stratus compute instances create web-1 --type g2.large --image debian-12 --zone eu-central-a\n    stratus compute instances stop web-1\n    stratus compute groups create web --template web-tpl --min 2 --max 10 --target-cpu 60\n    stratus compute snapshots create web-1-disk --name before-upgrade\n\nUse --labels team=payments to find and bill resources per team.`,
  ),
  chunk(
    'billing',
    'bill-invoices-01',
    'stratus.example/docs/billing/invoices',
    `Stratus bills monthly in euros. The invoice is issued on the 3rd of the month for the previous month and is due in 30 days. Usage is shown per project and per label in the console under Billing → Cost explorer, updated every hour. Invoices can be downloaded as PDF and the line items as CSV. Organisations with a commitment receive one invoice for all their projects.`,
  ),
  chunk(
    'billing',
    'bill-budgets-02',
    'stratus.example/docs/billing/budgets',
    `Budgets send alerts when a project's spend crosses thresholds you choose (for example 50 %, 90 % and 100 % of a monthly amount). Alerts go to email, a webhook or a Slack channel. Budgets do not stop resources by themselves; to stop spending automatically, connect the webhook to a function that scales groups to zero. Forecast alerts fire when the month's projected spend crosses a threshold.`,
  ),
  chunk(
    'billing',
    'bill-commit-03',
    'stratus.example/docs/billing/commitments',
    `A one-year commitment of at least €10,000 gives 20 % off compute and storage; three years give 35 %. Commitments are per organisation and apply to all projects. Usage beyond the commitment is billed at list price. Unused commitment at the end of a month is not carried over. Commitments cannot be cancelled, but can be increased at any time.`,
  ),
  chunk(
    'billing',
    'bill-credits-04',
    'stratus.example/docs/billing/credits',
    `Credits (from a trial, a startup programme or a service-level credit) are used before any other payment, oldest first. Trial credits of €300 expire after 90 days. Credits cannot pay for support plans or marketplace products. The console shows remaining credits under Billing → Credits.`,
  ),
  chunk(
    'billing',
    'bill-tax-05',
    'stratus.example/docs/billing/tax',
    `VAT is charged according to the billing address: reverse charge for businesses in another EU country with a valid VAT number, the local rate otherwise. Add or change the VAT number under Billing → Account; it applies to invoices from the next one on and cannot be applied to invoices already issued.`,
  ),
  chunk(
    'billing',
    'bill-sla-06',
    'stratus.example/docs/billing/sla',
    `If a service misses its monthly availability commitment (99.95 % for compute in multiple zones, 99.9 % for Object Storage), you receive a credit: 10 % of the service's monthly charge below the commitment, 25 % below 99.0 %, 50 % below 95 %. Claim within 30 days of the end of the month through a support case with the affected resources and times.`,
  ),
];

export interface RagQuestion {
  area: string;
  text: string;
  answer: string;
}

export const RAG_QUESTIONS: RagQuestion[] = [
  {
    area: 'storage',
    text: 'How do I move objects older than 30 days to a cheaper class automatically?',
    answer:
      'Use a lifecycle rule with a moveTo action after 30 days; rules run once a day at 02:00 UTC [stor-lifecycle-03]. Cool is €0.010 per GB-month with a 30-day minimum [stor-classes-02].',
  },
  {
    area: 'storage',
    text: 'What does it cost to keep 20 TB in Cold for a year, and to read it back once?',
    answer:
      'Cold storage is €0.002 per GB-month and €0.03 per GB retrieved [stor-classes-02]: about €480 for the year and €600 to read 20 TB back, with restores taking 1–12 hours.',
  },
  {
    area: 'storage',
    text: 'I get 429 SlowDown when uploading logs. Why?',
    answer:
      'You are above 3,500 writes per second on one prefix; spread the objects over more prefixes [stor-errors-06].',
  },
  {
    area: 'storage',
    text: 'Can I replicate a bucket to another region, including what is already in it?',
    answer:
      'Replication copies only new objects, within about 15 minutes, and needs versioning on both buckets; copy the existing objects with "stratus storage sync" [stor-replication-04].',
  },
  {
    area: 'storage',
    text: 'My lifecycle file is rejected with InvalidLifecycleRule. What is wrong?',
    answer:
      'Two rules overlap with conflicting actions, or a rule moves objects to a warmer class [stor-errors-06]. Check it with --dry-run [stor-cli-07].',
  },
  {
    area: 'storage',
    text: 'How many buckets can a project have, and how do I get more?',
    answer: 'Up to 1,000 buckets per project; request more in the console under Quotas [stor-quotas-08].',
  },
  {
    area: 'storage',
    text: 'Is my config right for keeping backups a year and replicating them?',
    answer:
      'Yes: the lifecycle moves objects to cold after 30 days and deletes them after 365 [stor-lifecycle-03]; replication needs versioning on both buckets and only copies new objects [stor-replication-04].',
  },
  {
    area: 'storage',
    text: 'How should service account keys be rotated?',
    answer:
      'At least every 90 days; "stratus iam keys rotate" keeps the old key valid for 24 hours [stor-access-05].',
  },
  {
    area: 'compute',
    text: 'Which instance family should I use for a Postgres server with lots of RAM?',
    answer:
      'The m family, with 8 GiB per vCPU [comp-instances-01]; use SSD disks with provisioned IOPS for the data [comp-disks-02].',
  },
  {
    area: 'compute',
    text: 'Creating an instance fails with ZoneResourcePoolExhausted.',
    answer:
      'The zone has no capacity for that size right now; try another zone or a smaller size [comp-errors-06].',
  },
  {
    area: 'compute',
    text: 'How do I scale my web tier between 2 and 10 instances on CPU?',
    answer:
      'Create an instance group with --min 2 --max 10 --target-cpu 60 [comp-cli-07]; the cooldown after a scale-out is 300 s [comp-autoscale-03].',
  },
  {
    area: 'compute',
    text: 'Can I shrink a disk after resizing it?',
    answer: 'No: disks can be resized up while attached, never down [comp-disks-02].',
  },
  {
    area: 'compute',
    text: 'What does a stopped instance cost?',
    answer: 'Only its disks; instances are billed per second while they run [comp-instances-01].',
  },
  {
    area: 'compute',
    text: 'How do private instances reach the internet?',
    answer: 'Through a NAT gateway at €0.045 per hour plus €0.045 per GB [comp-network-05].',
  },
  {
    area: 'billing',
    text: 'When is the invoice issued and when is it due?',
    answer: 'On the 3rd of the month for the previous month, due in 30 days [bill-invoices-01].',
  },
  {
    area: 'billing',
    text: 'Can a budget stop my resources when it is exceeded?',
    answer: 'Not by itself; connect its webhook to a function that scales groups to zero [bill-budgets-02].',
  },
  {
    area: 'billing',
    text: 'What discount does a commitment give?',
    answer: '20 % for one year and 35 % for three, from €10,000 [bill-commit-03].',
  },
  {
    area: 'billing',
    text: 'We had an outage last week. Do we get money back?',
    answer:
      'Yes if availability fell below the commitment: 10 %, 25 % or 50 % credit; claim within 30 days [bill-sla-06].',
  },
  {
    area: 'billing',
    text: 'Can I add our VAT number to last month’s invoice?',
    answer: 'No: a VAT number applies from the next invoice on [bill-tax-05].',
  },
  {
    area: 'billing',
    text: 'Do trial credits pay for the support plan?',
    answer: 'No, credits cannot pay for support plans or marketplace products [bill-credits-04].',
  },
];
