package dev.shotover.transforms.kafka;

import dev.shotover.api.Message;
import dev.shotover.api.kafka.KafkaFrame;
import dev.shotover.protocols.kafka.KafkaFrameCodec;
import io.netty.buffer.ByteBuf;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ShareAcknowledgeResponseData;
import org.apache.kafka.common.message.ShareFetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Points clients at the proxy instead of the broker: replaces the port of every broker address in a response with
 * the proxy's listen port, keeping the host (the proxy listens on its broker's IP).
 * <ul>
 *   <li>Metadata: {@code brokers[].port};</li>
 *   <li>FindCoordinator: the coordinator's port (v0-3) or {@code coordinators[].port} (v4+), when one was found;</li>
 *   <li>DescribeCluster: {@code brokers[].port};</li>
 *   <li>Produce (v10+), Fetch (v16+), ShareFetch and ShareAcknowledge: {@code node_endpoints[].port}, the new
 *       leaders a broker names when it is no longer the leader (KIP-951). These responses are only skimmed
 *       (records skipped, nothing copied) and decoded for real when they carry endpoints, which is rare, so the common path does not
 *       pay for a decode.</li>
 * </ul>
 * A rewritten response is re-encoded when written; every other response keeps its original bytes.
 *
 * <p>Stateless; safe from any thread (the messages are not).
 */
final class BrokerPortRewriter {
    private static final short FIND_COORDINATOR_FIRST_BATCHED_VERSION = 4;

    private BrokerPortRewriter() {
    }

    /**
     * Rewrites {@code response}, the answer to a request of {@code apiKey} at {@code version}, if it names brokers.
     *
     * @throws dev.shotover.api.MessageParseException if a response that must be rewritten does not decode
     */
    static void rewrite(Message response, short apiKey, short version, int port) {
        if (apiKey == ApiKeys.METADATA.id) {
            MetadataResponseData data = body(response, MetadataResponseData.class);
            data.brokers().forEach(broker -> broker.setPort(port));
            response.invalidateCache();
        } else if (apiKey == ApiKeys.FIND_COORDINATOR.id) {
            FindCoordinatorResponseData data = body(response, FindCoordinatorResponseData.class);
            // v0-3 answer one key at the top level; v4+ a list (the top-level fields must stay at their defaults)
            if (version < FIND_COORDINATOR_FIRST_BATCHED_VERSION) {
                if (data.nodeId() >= 0) {
                    data.setPort(port);
                }
            } else {
                data.coordinators().forEach(coordinator -> {
                    if (coordinator.nodeId() >= 0) {
                        coordinator.setPort(port);
                    }
                });
            }
            response.invalidateCache();
        } else if (apiKey == ApiKeys.DESCRIBE_CLUSTER.id) {
            body(response, DescribeClusterResponseData.class).brokers().forEach(broker -> broker.setPort(port));
            response.invalidateCache();
        } else if ((apiKey == ApiKeys.PRODUCE.id && version >= 10) || (apiKey == ApiKeys.FETCH.id && version >= 16)
                || apiKey == ApiKeys.SHARE_FETCH.id || apiKey == ApiKeys.SHARE_ACKNOWLEDGE.id) {
            if (namesLeaders(response, ApiKeys.forId(apiKey), version)) {
                rewriteLeaderEndpoints(body(response, ApiMessage.class), port);
                response.invalidateCache();
            }
        }
    }

    /**
     * Whether a data response carries new-leader endpoints. While the bytes are raw it skims them in place (records
     * skipped): a large response may be a composite of read buffers, which any {@code ByteBuffer} view would copy.
     */
    private static boolean namesLeaders(Message response, ApiKeys apiKey, short version) {
        ByteBuf raw = response.rawBytes();
        ApiMessage body = raw != null && !response.isParsed()
                ? KafkaFrameCodec.skimResponse(raw, apiKey, version).body()
                : body(response, ApiMessage.class);
        if (body instanceof ProduceResponseData produce) {
            return !produce.nodeEndpoints().isEmpty();
        }
        if (body instanceof FetchResponseData fetch) {
            return !fetch.nodeEndpoints().isEmpty();
        }
        if (body instanceof ShareFetchResponseData shareFetch) {
            return !shareFetch.nodeEndpoints().isEmpty();
        }
        return body instanceof ShareAcknowledgeResponseData shareAcknowledge
                && !shareAcknowledge.nodeEndpoints().isEmpty();
    }

    private static void rewriteLeaderEndpoints(ApiMessage body, int port) {
        if (body instanceof ProduceResponseData produce) {
            produce.nodeEndpoints().forEach(endpoint -> endpoint.setPort(port));
        } else if (body instanceof FetchResponseData fetch) {
            fetch.nodeEndpoints().forEach(endpoint -> endpoint.setPort(port));
        } else if (body instanceof ShareFetchResponseData shareFetch) {
            shareFetch.nodeEndpoints().forEach(endpoint -> endpoint.setPort(port));
        } else if (body instanceof ShareAcknowledgeResponseData shareAcknowledge) {
            shareAcknowledge.nodeEndpoints().forEach(endpoint -> endpoint.setPort(port));
        }
    }

    private static <T extends ApiMessage> T body(Message response, Class<T> type) {
        return response.frame(KafkaFrame.Response.class).body(type);
    }
}
