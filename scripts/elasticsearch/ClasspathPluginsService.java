/*
 * Plugins that are classes on the classpath, for EmbeddedElasticsearch (see there): Elasticsearch loads plugins
 * from directories of jars, each in a class loader (or module layer) of its own; the jars of the plugins this
 * node needs are on the launcher's classpath already. This service starts with no plugin bundles and serves
 * instances of the given classes instead, each described as a module of the running version.
 *
 * It lives in PluginsService's package for what that keeps package-private: the LoadedPlugin record, the
 * loader's constructor, and the static helpers that instantiate a plugin and wire its extensions.
 */
package org.elasticsearch.plugins;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.elasticsearch.Build;
import org.elasticsearch.action.admin.cluster.node.info.PluginsAndModules;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;

public class ClasspathPluginsService extends PluginsService {
    private final List<LoadedPlugin> classpathPlugins;

    public ClasspathPluginsService(Settings settings, Environment environment, Collection<Class<? extends Plugin>> classes) {
        super(settings, environment.configDir(), new PluginsLoader(Set.of(), Set.of(), Map.of()));
        List<LoadedPlugin> loaded = new ArrayList<>();
        for (Class<? extends Plugin> type : classes) {
            PluginDescriptor descriptor = new PluginDescriptor(
                type.getName(), "classpath plugin " + type.getSimpleName(), "NA", Build.current().version(),
                Integer.toString(Runtime.version().feature()), type.getName(), null, List.of(),
                false, false, false, false);
            Plugin instance = loadPlugin(type, settings, environment.configDir());
            loaded.add(new LoadedPlugin(descriptor, instance, type.getClassLoader()));
        }
        loadExtensions(loaded);
        classpathPlugins = List.copyOf(loaded);
    }

    @Override
    protected final List<LoadedPlugin> plugins() {
        return classpathPlugins;
    }

    @Override
    public PluginsAndModules info() {
        return new PluginsAndModules(classpathPlugins.stream().map(LoadedPlugin::descriptor)
            .map(d -> new PluginRuntimeInfo(d)).toList(), List.of());
    }
}
