package dev.shotover.api.kafka;

import dev.shotover.api.QueryType;
import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * How Kafka APIs are classified for {@code QueryTypeFilter} and {@code QueryCounter}. Shotover leaves this
 * unimplemented for Kafka; the choice here is:
 * <ul>
 *   <li>{@link QueryType#READ}: reading data or metadata without changing anything (Fetch, ListOffsets, Metadata,
 *       OffsetFetch, every Describe and List API), and the connection handshake (ApiVersions, SaslHandshake,
 *       SaslAuthenticate), so that denying writes never locks clients out;</li>
 *   <li>{@link QueryType#WRITE}: writing records or committed state (Produce, offset commits and deletes,
 *       DeleteRecords, the transaction APIs, producer ids, share-group acknowledgements);</li>
 *   <li>{@link QueryType#SCHEMA_CHANGE}: admin mutations (create/delete topics and partitions, configs, ACLs,
 *       quotas, SCRAM credentials, delegation tokens, reassignments, leader elections, group deletion,
 *       features, log dirs);</li>
 *   <li>{@link QueryType#READ_WRITE}: everything else, i.e. group membership (JoinGroup, SyncGroup, Heartbeat,
 *       LeaveGroup and the KIP-848/932/1071 heartbeats), telemetry, and broker-to-broker or controller APIs.</li>
 * </ul>
 *
 * <p>Immutable; safe from any thread.
 */
public final class KafkaQueryTypes {
    private static final Map<ApiKeys, QueryType> TYPES = new EnumMap<>(ApiKeys.class);

    static {
        read(ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.METADATA, ApiKeys.OFFSET_FETCH, ApiKeys.FIND_COORDINATOR,
                ApiKeys.DESCRIBE_GROUPS, ApiKeys.LIST_GROUPS, ApiKeys.SASL_HANDSHAKE, ApiKeys.API_VERSIONS,
                ApiKeys.OFFSET_FOR_LEADER_EPOCH, ApiKeys.DESCRIBE_ACLS, ApiKeys.DESCRIBE_CONFIGS,
                ApiKeys.DESCRIBE_LOG_DIRS, ApiKeys.SASL_AUTHENTICATE, ApiKeys.DESCRIBE_DELEGATION_TOKEN,
                ApiKeys.LIST_PARTITION_REASSIGNMENTS, ApiKeys.DESCRIBE_CLIENT_QUOTAS,
                ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS, ApiKeys.DESCRIBE_QUORUM, ApiKeys.DESCRIBE_CLUSTER,
                ApiKeys.DESCRIBE_PRODUCERS, ApiKeys.DESCRIBE_TRANSACTIONS, ApiKeys.LIST_TRANSACTIONS,
                ApiKeys.CONSUMER_GROUP_DESCRIBE, ApiKeys.LIST_CONFIG_RESOURCES, ApiKeys.DESCRIBE_TOPIC_PARTITIONS,
                ApiKeys.SHARE_GROUP_DESCRIBE, ApiKeys.SHARE_FETCH, ApiKeys.STREAMS_GROUP_DESCRIBE,
                ApiKeys.DESCRIBE_SHARE_GROUP_OFFSETS, ApiKeys.GET_TELEMETRY_SUBSCRIPTIONS);
        write(ApiKeys.PRODUCE, ApiKeys.OFFSET_COMMIT, ApiKeys.DELETE_RECORDS, ApiKeys.INIT_PRODUCER_ID,
                ApiKeys.ADD_PARTITIONS_TO_TXN, ApiKeys.ADD_OFFSETS_TO_TXN, ApiKeys.END_TXN,
                ApiKeys.WRITE_TXN_MARKERS, ApiKeys.TXN_OFFSET_COMMIT, ApiKeys.OFFSET_DELETE,
                ApiKeys.SHARE_ACKNOWLEDGE, ApiKeys.ALTER_SHARE_GROUP_OFFSETS, ApiKeys.DELETE_SHARE_GROUP_OFFSETS);
        schemaChange(ApiKeys.CREATE_TOPICS, ApiKeys.DELETE_TOPICS, ApiKeys.CREATE_ACLS, ApiKeys.DELETE_ACLS,
                ApiKeys.ALTER_CONFIGS, ApiKeys.ALTER_REPLICA_LOG_DIRS, ApiKeys.CREATE_PARTITIONS,
                ApiKeys.CREATE_DELEGATION_TOKEN, ApiKeys.RENEW_DELEGATION_TOKEN, ApiKeys.EXPIRE_DELEGATION_TOKEN,
                ApiKeys.DELETE_GROUPS, ApiKeys.ELECT_LEADERS, ApiKeys.INCREMENTAL_ALTER_CONFIGS,
                ApiKeys.ALTER_PARTITION_REASSIGNMENTS, ApiKeys.ALTER_CLIENT_QUOTAS,
                ApiKeys.ALTER_USER_SCRAM_CREDENTIALS, ApiKeys.UPDATE_FEATURES, ApiKeys.UNREGISTER_BROKER,
                ApiKeys.ADD_RAFT_VOTER, ApiKeys.REMOVE_RAFT_VOTER);
    }

    private KafkaQueryTypes() {
    }

    /**
     * {@return the classification of {@code apiKey}; {@link QueryType#READ_WRITE} for APIs not listed above}
     *
     * @param apiKey the API
     */
    public static QueryType of(ApiKeys apiKey) {
        return TYPES.getOrDefault(apiKey, QueryType.READ_WRITE);
    }

    /**
     * {@return the classification of a raw API key id; {@link QueryType#READ_WRITE} for ids kafka-clients does not
     * know}
     *
     * @param apiKeyId the API key id from a request header
     */
    public static QueryType of(short apiKeyId) {
        return ApiKeys.hasId(apiKeyId) ? of(ApiKeys.forId(apiKeyId)) : QueryType.READ_WRITE;
    }

    private static void read(ApiKeys... keys) {
        put(QueryType.READ, keys);
    }

    private static void write(ApiKeys... keys) {
        put(QueryType.WRITE, keys);
    }

    private static void schemaChange(ApiKeys... keys) {
        put(QueryType.SCHEMA_CHANGE, keys);
    }

    private static void put(QueryType type, ApiKeys... keys) {
        for (ApiKeys key : keys) {
            if (TYPES.put(key, type) != null) {
                throw new IllegalStateException(key + " is classified twice");
            }
        }
    }
}
