import numpy as np
import pytest


def test_mantle_classifier_builder():
    import keras

    from dlies.models import mantle_classifier

    X = np.random.default_rng(0).normal(size=(64, 8)) * 1e3 + 5
    m = mantle_classifier((8,), hidden=(16, 8, 4), adapt_data=X)
    assert isinstance(m, keras.Model) and m.output_shape == (None, 1)
    # 8->16->8->4->1 dense weights plus the normalisation statistics (non-trainable)
    assert m.count_params() - 17 == 8 * 16 + 16 + 16 * 8 + 8 + 8 * 4 + 4 + 4 + 1
    p = m.predict(X[:5], verbose=0)
    assert np.all((p >= 0) & (p <= 1))
    with pytest.raises(ValueError, match="adapt_data"):
        mantle_classifier((8,), adapt_data=X[:, :3])
    with pytest.raises(ValueError, match="hidden"):
        mantle_classifier((8,), hidden=(16, 0))
    with pytest.raises(ValueError, match="input_shape"):
        mantle_classifier((0,))
