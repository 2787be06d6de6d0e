package dev.shotover.transforms.filter;

import dev.shotover.api.Transform;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformContext;
import dev.shotover.transforms.support.PreparedStatements;
import java.util.List;

/**
 * Builds {@link QueryTypeFilter} instances. The filter's only state is its registry of CQL prepared statements,
 * which belongs to the transform occurrence (every connection of the chain shares it), so every connection shares
 * one instance.
 *
 * <p>Thread-safe.
 */
public final class QueryTypeFilterBuilder implements TransformBuilder {
    private final QueryTypeFilter instance;
    private final List<String> problems;

    /**
     * @param list     the list in effect; may be null only when {@code problems} is non-empty
     * @param problems configuration problems, reported by {@link #validate()}
     */
    public QueryTypeFilterBuilder(QueryTypeList list, List<String> problems) {
        this.problems = List.copyOf(problems);
        if (list == null && this.problems.isEmpty()) {
            throw new IllegalArgumentException("a QueryTypeFilter needs a list when its configuration is valid");
        }
        this.instance = list == null ? null : new QueryTypeFilter(list, new PreparedStatements());
    }

    @Override
    public Transform build(TransformContext context) {
        if (instance == null) {
            throw new IllegalStateException("invalid QueryTypeFilter configuration: " + problems);
        }
        return instance;
    }

    @Override
    public List<String> validate() {
        return problems;
    }
}
