package dev.shotover.proxy.cassandra;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.context.DriverContext;
import com.datastax.oss.driver.api.core.retry.RetryDecision;
import com.datastax.oss.driver.api.core.retry.RetryPolicy;
import com.datastax.oss.driver.api.core.servererrors.CoordinatorException;
import com.datastax.oss.driver.api.core.servererrors.WriteType;
import com.datastax.oss.driver.api.core.session.Request;

/**
 * A driver retry policy that never retries, so every error a server (or the proxy) answers reaches the test and a
 * count of failed requests is a count of error responses. Configured by class name
 * ({@code advanced.retry-policy.class}); the driver calls the {@code (DriverContext, String)} constructor.
 * Stateless and thread-safe.
 */
public final class NoRetryPolicy implements RetryPolicy {

    /** The constructor the driver calls reflectively. */
    public NoRetryPolicy(DriverContext context, String profileName) {
    }

    @Override
    @Deprecated
    public RetryDecision onReadTimeout(Request request, ConsistencyLevel cl, int blockFor, int received,
            boolean dataPresent, int retryCount) {
        return RetryDecision.RETHROW;
    }

    @Override
    @Deprecated
    public RetryDecision onWriteTimeout(Request request, ConsistencyLevel cl, WriteType writeType, int blockFor,
            int received, int retryCount) {
        return RetryDecision.RETHROW;
    }

    @Override
    @Deprecated
    public RetryDecision onUnavailable(Request request, ConsistencyLevel cl, int required, int alive,
            int retryCount) {
        return RetryDecision.RETHROW;
    }

    @Override
    @Deprecated
    public RetryDecision onRequestAborted(Request request, Throwable error, int retryCount) {
        return RetryDecision.RETHROW;
    }

    @Override
    @Deprecated
    public RetryDecision onErrorResponse(Request request, CoordinatorException error, int retryCount) {
        return RetryDecision.RETHROW;
    }

    @Override
    public void close() {
    }
}
