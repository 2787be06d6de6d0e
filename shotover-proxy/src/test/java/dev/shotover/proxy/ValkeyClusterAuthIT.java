package dev.shotover.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.testsupport.LogCapture;
import dev.shotover.testsupport.RedisCluster;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * AUTH through cluster hiding against a 6-node cluster whose default user has a password and whose ACL users may
 * touch only their own keys: NOAUTH before AUTH, WRONGPASS, NOPERM, per-connection credentials, and a failed AUTH
 * that keeps the session's earlier credentials.
 */
class ValkeyClusterAuthIT {
    @RegisterExtension
    static final LogCapture logs = new LogCapture();

    private static RedisCluster cluster;
    private static ShotoverProxy proxy;
    private static InetSocketAddress address;
    private static final int USERS = 100;

    @BeforeAll
    static void start() {
        cluster = RedisCluster.start();
        for (int port : cluster.ports()) {
            try (Jedis node = new Jedis(RedisCluster.HOST, port, 5_000)) {
                node.configSet("masterauth", "secret");
                for (int user = 0; user < USERS; user++) {
                    node.aclSetUser("user" + user, "on", ">pw" + user, "~user" + user + ":*", "+@all");
                }
                node.aclSetUser("noslots", "on", ">pw", "~*", "+@all", "-cluster|slots");
                // last: from here on the default user needs the password
                assertThat(node.aclSetUser("default", "on", "resetpass", ">secret", "~*", "&*", "+@all"))
                        .isEqualTo("OK");
            }
        }
        proxy = ShotoverProxy.builder()
                .topologyYaml(ValkeyClusterHidingIT.topology(cluster.contactPoints(), "")).start();
        address = proxy.address("valkey");
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        logs.assertNoUnexpectedWarnOrError();
    }

    private static Jedis connect() {
        return new Jedis(address.getHostString(), address.getPort(), 10_000);
    }

    @Test
    void eachOf100UsersOnAFreshConnectionGetsNoauthThenOnlyTheirOwnKeys() {
        for (int u = 0; u < USERS; u++) {
            int user = u;
            try (Jedis jedis = connect()) {
                String own = "user" + user + ":key";
                assertThatThrownBy(() -> jedis.get(own)).isInstanceOf(JedisDataException.class)
                        .hasMessageStartingWith("NOAUTH");
                assertThatThrownBy(() -> jedis.auth("user" + user, "wrong")).isInstanceOf(JedisDataException.class)
                        .hasMessageStartingWith("WRONGPASS");
                assertThat(jedis.auth("user" + user, "pw" + user)).isEqualTo("OK");
                assertThat(jedis.get(own)).isNull();
                for (int i = 0; i < 30; i++) {
                    // keys of many slots, so every primary is reached with these credentials
                    assertThat(jedis.set("user" + user + ":" + i, "v")).isEqualTo("OK");
                }
                String other = "user" + ((user + 1) % USERS) + ":key";
                assertThatThrownBy(() -> jedis.get(other)).isInstanceOf(JedisDataException.class)
                        .hasMessageStartingWith("NOPERM");
                // a failed AUTH does not undo the successful one
                assertThatThrownBy(() -> jedis.auth("user" + user, "wrong")).isInstanceOf(JedisDataException.class)
                        .hasMessageStartingWith("WRONGPASS");
                assertThat(jedis.get("user" + user + ":3")).isEqualTo("v");
            }
        }
    }

    @Test
    void aUserWithoutClusterSlotsIsRefusedAndTheDefaultPasswordWorks() {
        try (Jedis jedis = connect()) {
            assertThatThrownBy(() -> jedis.auth("noslots", "pw")).isInstanceOf(JedisDataException.class)
                    .hasMessage("NOPERM upstream user lacks required permission");
            assertThat(jedis.auth("secret")).isEqualTo("OK");
            assertThat(jedis.set("anything", "1")).isEqualTo("OK");
            assertThat(jedis.mget("anything", "user1:0")).hasSize(2);
            assertThat(jedis.dbSize()).isPositive();
        }
    }
}
