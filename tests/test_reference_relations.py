"""The identities that tie the imbalance and overlap losses to the losses they generalise.

Each new loss reduces to an older one at a particular setting (focal loss with gamma = 0 is BCE,
equal class weights change nothing, ...) and the chapter states these identities; here they are
checked on random inputs, so a loss that drifts from its family fails even without PyTorch.
"""
import numpy as np
import pytest

import reference_cases as cases
from autograder import reference as ref

SEEDS = [0, 1, 2]


@pytest.mark.parametrize("seed", SEEDS)
def test_iou_and_dice_of_binary_masks_are_tied_by_d_over_2_minus_d(seed):
    """Check IoU = D / (2 - D) and D = 2 IoU / (1 + IoU) for binary masks, without smoothing."""
    rng = np.random.default_rng(seed)
    pred = (rng.uniform(size=(6, 6)) < 0.4).astype(float)
    truth = (rng.uniform(size=(6, 6)) < 0.3).astype(float)
    iou = 1 - ref.iou_loss(pred, truth, smooth=0.0)
    dice = 1 - ref.dice_loss(pred, truth, smooth=0.0)
    assert 0 < iou < dice < 1
    assert iou == pytest.approx(dice / (2 - dice), rel=1e-12)
    both, either = np.sum(pred * truth), np.sum(np.maximum(pred, truth))
    assert iou == pytest.approx(both / either, rel=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_focal_loss_with_gamma_0_is_bce_and_never_exceeds_it(seed):
    """Check focal(gamma=0) = BCE (value and gradient), and focal(gamma>0) <= BCE, with equality only at p_t = 0."""
    z, y = cases.binary_case(np.random.default_rng(seed))
    assert ref.focal_loss(z, y, gamma=0.0) == pytest.approx(ref.bce_loss(z, y), rel=1e-12)
    np.testing.assert_allclose(ref.focal_grad(z, y, gamma=0.0), ref.bce_grad(z, y), rtol=1e-12, atol=1e-17)
    assert ref.focal_loss(z, y, gamma=2.0) < ref.focal_loss(z, y, gamma=0.5) < ref.bce_loss(z, y)


@pytest.mark.parametrize("seed", SEEDS)
def test_weighted_bce_with_unit_weights_is_bce(seed):
    """Check that pos_weight = 1 and no weight give bce_loss exactly, on multi-label input."""
    z, y = cases.multilabel_case(np.random.default_rng(seed))
    assert ref.weighted_bce_loss(z, y) == pytest.approx(ref.bce_loss(z, y), rel=1e-12)
    np.testing.assert_allclose(ref.weighted_bce_grad(z, y), ref.bce_grad(z, y), rtol=1e-12, atol=1e-17)


def test_pos_weight_multiplies_the_positive_examples_only():
    """Check that pos_weight scales the loss and gradient of the positives and leaves the negatives alone."""
    z, y = np.array([0.3, -1.2, 2.0, 0.7]), np.array([1.0, 1.0, 0.0, 0.0])
    base, weighted = ref.bce_grad(z, y), ref.weighted_bce_grad(z, y, pos_weight=5.0)
    np.testing.assert_allclose(weighted[:2], 5 * base[:2], rtol=1e-12)
    np.testing.assert_array_equal(weighted[2:], base[2:])


@pytest.mark.parametrize("seed", SEEDS)
def test_equal_class_weights_change_nothing(seed):
    """Check that weighted cross-entropy with any equal weights is the plain mean cross-entropy."""
    z, labels = cases.multiclass_case(np.random.default_rng(seed))
    for w in (1.0, 7.5):
        weights = np.full(z.shape[1], w)
        assert ref.weighted_cross_entropy_loss(z, labels, weights) == pytest.approx(
            ref.cross_entropy_loss(z, labels), rel=1e-12)
        np.testing.assert_allclose(ref.weighted_cross_entropy_grad(z, labels, weights),
                                   ref.cross_entropy_grad(z, labels), rtol=1e-12, atol=1e-17)
