using HaloBestie.Application.Audit;
using HaloBestie.Application.Clients;
using HaloBestie.Application.Conversation;
using HaloBestie.Application.Mitras;
using HaloBestie.Application.Pairing;
using HaloBestie.Application.Payments;
using HaloBestie.Domain.Payments;
using HaloBestie.Application.Sessions;
using HaloBestie.Domain.Pairing;
using HaloBestie.Domain.Sessions;
using HaloBestie.Domain.Clients;
using HaloBestie.Domain.Settings;
using HaloBestie.Domain.Mitras;
using HaloBestie.Domain.Staff;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Marten.Schema;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace HaloBestie.Infrastructure.Persistence;

public static class MartenSetup
{
    /// <summary>
    /// The connection string, with Npgsql's automatic preparation on unless it says otherwise
    /// (<c>Max Auto Prepare=50;Auto Prepare Min Usages=2</c>): a statement used twice on a
    /// connection is prepared there, so PostgreSQL stops parsing and planning the dozen statements
    /// of every send, accept and heartbeat (half its CPU per chat message, docs/performance.md).
    /// ADR 0032 records why it is safe now: what broke it (a commit replayed on another connection
    /// ran under another statement's prepared name, Npgsql issue 6432) is fixed in Npgsql 10.0.2,
    /// and Marten no longer replays commits. Should a connection's prepared statements still
    /// disagree with the server's, it answers 503 and the pool is replaced
    /// (<see cref="Web.ProblemExceptionHandler"/>, ADR 0031). <c>Max Auto Prepare=0</c> in the
    /// connection string turns it off (a transaction pooler that cannot keep prepared statements).
    /// </summary>
    public static NpgsqlDataSourceBuilder DataSourceBuilder(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString) { Name = "halobestie" };
        // What the string itself names (Npgsql's own builder claims every keyword it knows).
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        bool Names(params string[] keywords) => keywords.Any(given.ContainsKey);
        if (!Names("Max Auto Prepare", "MaxAutoPrepare"))
            builder.ConnectionStringBuilder.MaxAutoPrepare = AutoPrepared;
        if (!Names("Auto Prepare Min Usages", "AutoPrepareMinUsages"))
            builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        return builder;
    }

    /// <summary>How many statements each connection keeps prepared when the connection string does not say.</summary>
    public const int AutoPrepared = 50;

    /// <summary>
    /// One PostgreSQL pool for the process (Marten and the readiness check share it), every
    /// table in the schema named by <c>Marten:Schema</c> (tests give each class its own).
    /// Tables are created automatically (all of them, at start-up) only in Development and Test;
    /// elsewhere they come from the <c>apply-schema</c> command (see docs/operations.md).
    /// </summary>
    public static IServiceCollection AddHaloBestieMarten(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var connectionString = configuration.GetConnectionString("Postgres");
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new StartupRefusedException("ConnectionStrings:Postgres is not set. Set the environment variable ConnectionStrings__Postgres, or start the system with scripts/run.");

        var schema = configuration["Marten:Schema"] ?? "halobestie";
        var autoCreate = environment.IsDevelopment() || environment.IsEnvironment("Test");

        services.AddSingleton(_ => DataSourceBuilder(connectionString).Build());
        services.AddMarten(options => Configure(options, schema, autoCreate ? AutoCreate.CreateOrUpdate : AutoCreate.None))
            .UseNpgsqlDataSource()
            .UseLightweightSessions();
        services.ConfigureMarten((sp, options) => options.Logger(sp.GetRequiredService<MartenLogs>()));
        services.AddSingleton<MartenLogs>();
        if (autoCreate)
            services.AddHostedService<SchemaOnStartup>();
        return services;
    }

    /// <summary>
    /// The push outbox (<see cref="Application.Push.PushOutbox"/>): a plain table, not a document,
    /// so that its worker can claim rows with <c>for update skip locked</c> and settle a batch in
    /// one statement each; one row per (push, installation).
    /// </summary>
    public static Table PushOutboxTable(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, Application.Push.PushOutbox.Table, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<Guid>("id").AsPrimaryKey();
        table.AddColumn("installation_id", "text").NotNull();
        table.AddColumn("owner_kind", "text").NotNull();
        table.AddColumn<Guid>("owner_id").NotNull();
        table.AddColumn("event", "text").NotNull();
        table.AddColumn("data", "jsonb").NotNull();
        table.AddColumn("title", "text");
        table.AddColumn("body", "text");
        table.AddColumn<bool>("high_priority").NotNull();
        table.AddColumn("collapse_key", "text").NotNull();
        table.AddColumn("expires_at", "timestamp with time zone").NotNull();
        table.AddColumn<bool>("skip_while_streaming").NotNull();
        table.AddColumn("created_at", "timestamp with time zone").NotNull();
        table.AddColumn("due_at", "timestamp with time zone").NotNull();
        table.AddColumn<int>("attempts").NotNull().DefaultValue(0);
        table.AddColumn("last_error", "text");
        table.Indexes.Add(new IndexDefinition($"ix_{Application.Push.PushOutbox.Table}_due") { Columns = ["due_at"] });
        table.Indexes.Add(new IndexDefinition($"ix_{Application.Push.PushOutbox.Table}_collapse") { Columns = ["collapse_key"] });
        return table;
    }

    public static void Configure(StoreOptions options, string schema, AutoCreate autoCreate)
    {
        options.DatabaseSchemaName = schema;
        options.AutoCreateSchemaObjects = autoCreate;
        // A failed commit is never replayed by Marten: its replay re-sends the commit's statements
        // alone, in a new transaction on another connection, without the row and advisory locks the
        // write took when it read (FetchForExclusiveWriting, AcceptGate). StreamWrites decides again
        // instead (a deadlock or serialization failure is a write conflict), and what it cannot
        // settle answers 503 or 409. Reads keep Marten's retries. ADR 0032.
        options.ConfigureWritePolly(_ => { });
        options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);

        options.Events.StreamIdentity = StreamIdentity.AsGuid;
        options.Events.MetadataConfig.HeadersEnabled = false;

        options.Projections.Add<MitraProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<Mitra>()
            .UniqueIndex(UniqueIndexType.Computed, "uq_mitra_phone_number", m => m.PhoneNumber)
            .UniqueIndex(UniqueIndexType.Computed, "uq_mitra_firebase_uid", m => m.FirebaseUid!)
            .Index(m => m.CreatedAt)
            .Index(m => m.IsOnline);

        options.Projections.Add<OnlinePeriodProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<OnlinePeriod>().Index(p => p.MitraId).Index(p => p.OnlineAt);

        options.Projections.Add<ClientProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<Client>()
            .UniqueIndex(UniqueIndexType.Computed, "uq_client_firebase_uid", c => c.FirebaseUid)
            .Index(c => c.CreatedAt);

        options.Schema.For<PlatformSettings>();

        options.Projections.Add<PairingRequestProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<PairingRequest>()
            .UniqueIndex(UniqueIndexType.Computed, "uq_pairing_searching_client", r => r.SearchingClientId!)
            .Duplicate(r => r.Status)
            .Index(r => r.ExpiresAt)
            .Index(r => r.ClientId)
            // Columns of their own (indexed): the dashboard aggregates a whole day of requests
            // without reading their documents (DashboardFigures).
            .Duplicate(r => r.RequestedAt)
            .Duplicate(r => r.MatchedAt!);

        options.Projections.Add<PaymentProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<Payment>().Index(p => p.ClientId).Index(p => p.CreatedAt);
        options.Schema.For<SessionPackage>();
        options.Schema.For<PaymentWebhook>().Index(w => w.ReceivedAt);

        options.Projections.Add<SessionProjection>(ProjectionLifecycle.Inline);
        // Every message rewrites its session's document (LastSeq). Indexed values live in columns of
        // their own, never in an index computed from `data`, and each page keeps a fifth free: the
        // rewrite is then a heap-only (HOT) update that touches none of the nine indexes
        // (docs/performance.md, "Conversation, round five").
        options.Schema.For<Session>()
            .UniqueIndex(UniqueIndexType.DuplicatedField, "uq_session_active_client", s => s.ActiveClientId!)
            .Duplicate(s => s.ClientId)
            .Duplicate(s => s.MitraId)
            .Duplicate(s => s.Status)
            .Duplicate(s => s.EndsAt)
            .Duplicate(s => s.StartedAt)
            .Duplicate(s => s.EndedAt!)
            .Duplicate(s => s.RatedAt!) // ratings of the day (dashboard) and of a mitra
            .FillFactor(80);

        options.Projections.Add<SessionMessageProjection>(ProjectionLifecycle.Inline);
        // The unique (session_id, seq) index makes both columns (and serves every read of a
        // conversation); no index of its own for either.
        options.Schema.For<SessionMessage>()
            .UniqueIndex(UniqueIndexType.DuplicatedField, "uq_session_message_seq", m => m.SessionId, m => m.Seq)
            .Duplicate(m => m.SentAt); // today's message count on the dashboard

        options.Projections.Add<RiskFlagProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<RiskFlag>().Index(f => f.SessionId).Duplicate(f => f.RaisedAt).Duplicate(f => f.AcknowledgedAt!);
        options.Schema.For<RiskPhraseList>();

        // App installations reachable by push (PRODUCT.md §10): a token belongs to one installation.
        // Columns of their own: the push outbox resolves an account's installations in SQL (PushOutbox).
        // Erasure (PRODUCT.md §11, ADR 0029): what each event keeps once masked, and the keyed
        // hashes of erased Firebase accounts (no second trial).
        options.Events.AddMaskingRuleForProtectedInformation<ClientSignedUp>(ClientErasure.Mask);
        options.Events.AddMaskingRuleForProtectedInformation<ClientRegistered>(ClientErasure.Mask);
        options.Events.AddMaskingRuleForProtectedInformation<ClientDisplayNameSet>(ClientErasure.Mask);
        options.Events.AddMaskingRuleForProtectedInformation<PairingRequested>(ClientErasure.Mask);
        options.Events.AddMaskingRuleForProtectedInformation<PaymentCreated>(ClientErasure.Mask);
        options.Events.AddMaskingRuleForProtectedInformation<MessageSent>(ConversationErasure.Mask);
        options.Events.AddMaskingRuleForProtectedInformation<SessionRated>(ConversationErasure.Mask);
        options.Events.AddMaskingRuleForProtectedInformation<SessionEnded>(ConversationErasure.Mask);
        options.Schema.For<Application.DataRights.ErasedAccount>();

        options.Schema.For<Domain.Devices.Device>()
            .UniqueIndex(UniqueIndexType.Computed, "uq_device_fcm_token", d => d.FcmToken)
            .Duplicate(d => d.OwnerId)
            .Duplicate(d => d.OwnerKind)
            .Duplicate(d => d.RefreshedAt);
        options.Storage.ExtendedSchemaObjects.Add(PushOutboxTable(schema));

        // Logins (failure counts, lockouts, rehashes) and admins (deactivation, role, password)
        // write the same account: each write must be of the version it read (ADR 0012).
        options.Schema.For<StaffAccount>()
            .UseOptimisticConcurrency(true)
            .UniqueIndex(UniqueIndexType.Computed, "uq_staff_email", s => s.Email);

        options.Schema.For<AuditEntry>()
            .Index(a => a.At)
            .Index(a => a.StaffId);
    }
}
