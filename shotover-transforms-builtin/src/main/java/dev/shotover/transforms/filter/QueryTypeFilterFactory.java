package dev.shotover.transforms.filter;

import com.google.auto.service.AutoService;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformFactory;

/** Registers {@link QueryTypeFilter} as {@code QueryTypeFilter}. */
@AutoService(TransformFactory.class)
public final class QueryTypeFilterFactory implements TransformFactory {

    @Override
    public String typeName() {
        return "QueryTypeFilter";
    }

    @Override
    public Class<? extends TransformConfig> configType() {
        return QueryTypeFilterConfig.class;
    }
}
